// The console's live feed (server-sent events): the signed-in member's merchant, in the mode
// they are viewing, every payment, alert and conversation change (lib/events/console-stream.ts).
import { assertCan } from "@/lib/auth/context";
import { getRequestContext } from "@/lib/auth/server";
import { consoleStreamError, openConsoleStream } from "@/lib/events/console-stream";
import { VIEW_MODES, viewModeFor } from "@/lib/mode";
import { z } from "zod";

const ModeSchema = z.enum(VIEW_MODES);

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  try {
    const ctx = await getRequestContext();
    if (!ctx) return Response.json({ error: "Sign in to watch live changes." }, { status: 401 });
    assertCan(ctx, "transactions.view");
    // A page may name the mode it shows (a payment's page shows that payment's mode); else the
    // mode the member is viewing. Anything but the two words is refused, never guessed.
    const requested = new URL(request.url).searchParams.get("mode");
    const mode = requested === null ? await viewModeFor() : ModeSchema.parse(requested);
    return await openConsoleStream(
      { db: ctx.db, merchantId: ctx.merchantId, role: ctx.role, userId: ctx.user.id, mode },
      request,
    );
  } catch (error) {
    if (error instanceof z.ZodError) {
      return Response.json({ error: "mode must be test or live." }, { status: 422 });
    }
    return consoleStreamError(error);
  }
}
