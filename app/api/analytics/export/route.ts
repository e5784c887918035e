// GET /api/analytics/export?chart=…&range=…: one chart's CSV for the signed-in analyst, read from
// the rollups in the console's view mode, streamed page by page (constant memory), audited.
// Requires analytics.export. X-Total-Rows carries the row count for the browser's progress.
import { csvLine } from "@/lib/analytics/csv";
import { chartExport, csvLines, ExportParamsSchema } from "@/lib/analytics/export";
import { getAnalyticsSetup } from "@/lib/analytics/queries";
import { parseRange } from "@/lib/analytics/range";
import { auditAs } from "@/lib/audit/record";
import { requirePermission } from "@/lib/auth/server";
import { AppError } from "@/lib/errors";
import { errorAnswer } from "@/lib/http/error-answer";
import { viewModeFor } from "@/lib/mode";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  try {
    const ctx = await requirePermission("analytics.export");
    const mode = await viewModeFor();
    const query = Object.fromEntries(new URL(request.url).searchParams);
    const setup = await getAnalyticsSetup(ctx, mode);
    const parsed = parseRange(query, setup.timeZone);
    if (!parsed.ok) throw new AppError(parsed.message, 422);
    const params = ExportParamsSchema.parse({
      chart: query.chart,
      flow: query.flow || undefined,
      version: query.version || undefined,
      channel: query.channel || undefined,
      currency: query.currency || undefined,
      granularity: query.granularity || undefined,
      by: query.by || undefined,
    });
    const { range } = parsed;
    const exp = await chartExport(ctx, mode, range, params);
    await auditAs(ctx.db, ctx, {
      action: "analytics.export",
      targetType: "analytics",
      targetId: params.chart,
      summary: `Exported ${params.chart} (${mode}) for ${range.from} to ${range.to}: ${exp.totalRows} rows`,
      after: { ...params, mode, from: range.from, to: range.to, rows: exp.totalRows },
    });
    const encoder = new TextEncoder();
    const lines = csvLines(exp, csvLine)[Symbol.asyncIterator]();
    // Pull-based: the next page is read only when the client has taken the previous one.
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const next = await lines.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        } catch (error) {
          console.error("[analytics.export] stream failed", error);
          controller.error(error);
        }
      },
      async cancel() {
        await lines.return?.();
      },
    });
    return new Response(body, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${exp.filename}"`,
        "x-total-rows": String(exp.totalRows),
        "cache-control": "no-store",
      },
    });
  } catch (error) {
    const answer = errorAnswer(error, "analytics.export", "The export failed; try again.");
    return Response.json(
      { error: answer.error, fieldErrors: answer.fieldErrors },
      { status: answer.status },
    );
  }
}
