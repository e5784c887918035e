// GET /api/disputes/:id/evidence/pack: the evidence pack PDF (transcript, receipt, written
// evidence) for roles that may see customer data; every download is audited.
import { auditAs } from "@/lib/audit/record";
import { requirePermission } from "@/lib/auth/server";
import { buildEvidencePack, getEvidenceCase } from "@/lib/disputes/evidence/queries";
import { errorAnswer } from "@/lib/http/error-answer";

export const dynamic = "force-dynamic";

export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const ctx = await requirePermission("transactions.view_customer");
    const { id } = await params;
    const evidence = await getEvidenceCase(ctx, id);
    const pdf = await buildEvidencePack(ctx, evidence);
    await auditAs(ctx.db, ctx, {
      action: "dispute.pack_downloaded",
      targetType: "dispute",
      targetId: evidence.dispute.id,
      summary: `Downloaded the evidence pack (${pdf.byteLength} bytes)`,
    });
    return new Response(Buffer.from(pdf), {
      headers: {
        "content-type": "application/pdf",
        "content-disposition": `attachment; filename="evidence-pack-${evidence.dispute.id}.pdf"`,
        "cache-control": "private, no-store",
      },
    });
  } catch (error) {
    const answer = errorAnswer(error, "route", "The evidence pack could not be made.");
    return Response.json(answer, { status: answer.status });
  }
}
