// GET /api/disputes/:id/evidence/files/:fileId: an uploaded evidence file, for roles that may
// see customer data; every download is audited. Served as an attachment with its sniffed type.
import { auditAs } from "@/lib/audit/record";
import { requirePermission } from "@/lib/auth/server";
import { readEvidenceFile } from "@/lib/disputes/evidence/queries";
import { errorAnswer } from "@/lib/http/error-answer";

export const dynamic = "force-dynamic";

export async function GET(
  _request: Request,
  { params }: { params: Promise<{ id: string; fileId: string }> },
) {
  try {
    const ctx = await requirePermission("transactions.view_customer");
    const { id, fileId } = await params;
    const file = await readEvidenceFile(ctx, id, fileId);
    await auditAs(ctx.db, ctx, {
      action: "dispute.file_downloaded",
      targetType: "dispute",
      targetId: id,
      summary: `Downloaded ${file.fileName}`,
      after: { fileId: file.id, sha256: file.sha256 },
    });
    return new Response(new Uint8Array(file.bytes), {
      headers: {
        "content-type": file.contentType,
        "content-disposition": `attachment; filename="${encodeURIComponent(file.fileName)}"`,
        "x-content-type-options": "nosniff",
        "cache-control": "private, no-store",
      },
    });
  } catch (error) {
    const answer = errorAnswer(error, "route", "The file could not be read.");
    return Response.json(answer, { status: answer.status });
  }
}
