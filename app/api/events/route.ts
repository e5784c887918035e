// The console's live feed (server-sent events): the signed-in member's merchant, in the mode
// they are viewing, every payment, alert and conversation change (lib/events/console-stream.ts).
import { assertCan } from "@/lib/auth/context";
import { getRequestContext } from "@/lib/auth/server";
import { consoleStreamError, openConsoleStream } from "@/lib/events/console-stream";
import { viewModeFor } from "@/lib/mode";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  try {
    const ctx = await getRequestContext();
    if (!ctx) return Response.json({ error: "Sign in to watch live changes." }, { status: 401 });
    assertCan(ctx, "transactions.view");
    const mode = await viewModeFor();
    return openConsoleStream(
      { db: ctx.db, merchantId: ctx.merchantId, role: ctx.role, userId: ctx.user.id, mode },
      request,
    );
  } catch (error) {
    return consoleStreamError(error);
  }
}
