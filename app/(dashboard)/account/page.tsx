import { Button } from "@/components/ui/button";
import { getRequestContext } from "@/lib/auth/server";
import { countLiveSessions } from "@/lib/auth/sessions";
import { signOutEverywhereAction } from "@/lib/auth/sign-in-action";
import type { Metadata } from "next";
import { redirect } from "next/navigation";

export const metadata: Metadata = { title: "Your sessions" };
export const dynamic = "force-dynamic";

// Any member's own account: no permission beyond being signed in.
export default async function AccountPage() {
  const ctx = await getRequestContext();
  if (!ctx) redirect("/sign-in");
  const live = await countLiveSessions(ctx.db, ctx.user.id);
  return (
    <div className="max-w-xl space-y-4">
      <h1 className="text-2xl font-semibold">Your sessions</h1>
      <p className="text-sm text-slate-700">
        {ctx.user.email} is signed in on <strong>{live}</strong>{" "}
        {live === 1 ? "browser or device" : "browsers or devices"}, this one included.
      </p>
      <form action={signOutEverywhereAction}>
        <Button type="submit" variant="danger">
          Sign out everywhere
        </Button>
      </form>
      <p className="text-xs text-slate-500">
        Ends every session at once, this one too. Use it if you signed in on a shared computer or
        think someone else has your session.
      </p>
    </div>
  );
}
