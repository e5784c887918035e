// POST /api/disputes/:id/evidence/files: one evidence file as the raw request body (name and slot
// in the query), for disputes.respond. A body larger than the provider takes is refused from its
// Content-Length before it is read, and the stream is cut off at the limit if it lies.
import { requirePermission } from "@/lib/auth/server";
import { formatBytes, maxUploadBytes } from "@/lib/disputes/evidence/file-rules";
import { connectionProvider, loadDispute } from "@/lib/disputes/evidence/queries";
import { addEvidenceFile } from "@/lib/disputes/evidence/respond";
import { evidenceFileSlotSchema } from "@/lib/disputes/evidence/schemas";
import { AppError } from "@/lib/errors";
import { errorAnswer } from "@/lib/http/error-answer";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { z } from "zod";

export const dynamic = "force-dynamic";

const querySchema = z.object({
  slot: evidenceFileSlotSchema,
  name: z.string().trim().min(1, { error: "The file needs a name" }).max(200),
});

async function readLimited(body: ReadableStream<Uint8Array>, limit: number, refuse: () => never) {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      refuse();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    assertSameOrigin(request.headers);
    const ctx = await requirePermission("disputes.respond");
    const { id } = await params;
    const query = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!query.success)
      throw new AppError("Choose a file and what it shows.", 422, {
        file: ["Choose a file and what it shows"],
      });
    const dispute = await loadDispute(ctx, id);
    const connection = await connectionProvider(ctx, dispute);
    if (!connection) throw new AppError("This dispute's connection no longer exists.", 409);
    const limit = maxUploadBytes(connection.provider);
    const refuse = (): never => {
      throw new AppError(
        `The file is larger than ${formatBytes(limit)}, the most this provider takes.`,
        413,
        {
          file: [`Larger than ${formatBytes(limit)}, the most this provider takes`],
        },
      );
    };
    const declared = Number(request.headers.get("content-length") ?? "NaN");
    if (Number.isFinite(declared) && declared > limit) refuse();
    if (!request.body)
      throw new AppError("The upload was empty.", 422, { file: ["The file is empty"] });
    const bytes = await readLimited(request.body, limit, refuse);
    if (bytes.byteLength === 0)
      throw new AppError("The upload was empty.", 422, { file: ["The file is empty"] });
    const file = await addEvidenceFile(ctx, id, {
      slot: query.data.slot,
      name: query.data.name,
      bytes,
    });
    return Response.json({ ok: true, file }, { status: 201 });
  } catch (error) {
    const answer = errorAnswer(error, "route", "The file could not be attached.");
    // Stop the browser sending the rest of a body we refused.
    return Response.json(
      { ok: false, ...answer },
      { status: answer.status, headers: answer.status === 413 ? { connection: "close" } : {} },
    );
  }
}
