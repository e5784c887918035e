// Answering a dispute: save a draft (staged at the provider where it keeps drafts), attach files,
// submit once, or accept. A submit or accept marks the answer "sending" under the dispute's row
// lock before the provider is called, so a double-click or a second tab is refused rather than
// sent twice; an answer that never came is recorded as "unknown" and settled by re-reading the
// dispute at the provider (recheckResponse), never guessed.
import type { DbOrTx } from "@/db/client";
import { disputeFiles, disputeResponses, type Dispute, type DisputeResponse } from "@/db/schema";
import type { EvidenceFileSlot } from "@/db/schema/disputes";
import { auditAs } from "@/lib/audit/record";
import { assertCan, type ServiceContext } from "@/lib/auth/context";
import { connectorContext, connectorFor } from "@/lib/connections/providers/registry";
import {
  isOutcomeUnknown,
  ProviderError,
  type DisputeEvidenceFile,
} from "@/lib/connections/providers/types";
import { AppError, ConflictError } from "@/lib/errors";
import { publishEvent } from "@/lib/events/bus";
import { newId } from "@/lib/ids";
import { paymentEvent } from "@/lib/payments/status-write";
import { and, eq } from "drizzle-orm";
import { createHash } from "node:crypto";
import { assertFresh, canRespond, lockDispute, markAccepted, markSubmitted } from "./dispute-state";
import { checkEvidenceFile } from "./file-rules";
import {
  buildEvidencePack,
  connectionProvider,
  getEvidenceCase,
  loadDispute,
  loadResponse,
} from "./queries";
import type { EvidenceFields } from "./schemas";

export interface FormRef {
  disputeId: string;
  /** The response version the form was loaded at (0: never saved). */
  version: number;
}

async function lockResponse(tx: DbOrTx, ctx: ServiceContext, dispute: Dispute) {
  await tx
    .insert(disputeResponses)
    .values({
      merchantId: ctx.merchantId,
      disputeId: dispute.id,
      version: 0,
      updatedByUserId: ctx.user.id,
    })
    .onConflictDoNothing();
  const [row] = await tx
    .select()
    .from(disputeResponses)
    .where(
      and(
        eq(disputeResponses.merchantId, ctx.merchantId),
        eq(disputeResponses.disputeId, dispute.id),
      ),
    )
    .for("update");
  return row;
}

function assertEditable(dispute: Dispute, response: DisputeResponse, ref: FormRef) {
  if (response.state === "sending")
    throw new ConflictError(
      "This evidence is being sent to the provider right now; nothing was changed.",
    );
  if (response.state === "unknown")
    throw new ConflictError(
      "The provider never answered the last request. Check with the provider before changing anything.",
    );
  if (response.state === "submitted")
    throw new ConflictError("Evidence was already submitted and is locked.");
  if (response.state === "accepted")
    throw new ConflictError("This dispute was accepted; evidence is locked.");
  const check = canRespond(dispute, new Date());
  if (!check.ok) throw new ConflictError(check.message);
  if (response.version !== ref.version)
    throw new ConflictError(
      "Someone saved this evidence since you opened it. Reload to see their changes; yours were not saved.",
    );
}

function changedFields(before: Record<string, string>, after: EvidenceFields): string[] {
  return (Object.keys(after) as (keyof EvidenceFields)[]).filter(
    (k) => (before[k] ?? "") !== after[k],
  );
}

async function providerFiles(
  tx: DbOrTx,
  ctx: ServiceContext,
  disputeId: string,
): Promise<DisputeEvidenceFile[]> {
  const rows = await tx
    .select()
    .from(disputeFiles)
    .where(and(eq(disputeFiles.merchantId, ctx.merchantId), eq(disputeFiles.disputeId, disputeId)));
  return rows.map((r) => ({
    id: r.id,
    slot: r.slot,
    name: r.fileName,
    contentType: r.contentType,
    bytes: r.bytes,
    providerFileId: r.providerFileId ?? undefined,
  }));
}

/** The evidence pack rides along as customer communication, or as "other" if that slot is taken. */
async function withPack(ctx: ServiceContext, disputeId: string, files: DisputeEvidenceFile[]) {
  const evidence = await getEvidenceCase(ctx, disputeId);
  const pack = await buildEvidencePack(ctx, evidence);
  const taken = new Set(files.map((f) => f.slot));
  const slot = (["customer_communication", "uncategorized"] as const).find((s) => !taken.has(s));
  if (!slot) return files;
  return [
    ...files,
    {
      id: `pack_${disputeId}`,
      slot,
      name: `evidence-pack-${disputeId}.pdf`,
      contentType: "application/pdf" as const,
      bytes: pack,
    },
  ];
}

async function rememberProviderFileIds(
  db: DbOrTx,
  ctx: ServiceContext,
  ids: Record<string, string>,
) {
  for (const [fileId, providerFileId] of Object.entries(ids)) {
    if (fileId.startsWith("pack_")) continue;
    await db
      .update(disputeFiles)
      .set({ providerFileId })
      .where(and(eq(disputeFiles.merchantId, ctx.merchantId), eq(disputeFiles.id, fileId)));
  }
}

async function connectionFor(ctx: ServiceContext, dispute: Dispute) {
  const connection = await connectionProvider(ctx, dispute);
  if (!connection) throw new AppError("This dispute's connection no longer exists.", 409);
  return connection;
}

/** Saves the fields; where the provider keeps drafts, stages them there (submit=false). */
export async function saveEvidenceDraft(
  ctx: ServiceContext,
  ref: FormRef,
  fields: EvidenceFields,
): Promise<{ version: number; staged: boolean; stageError: string | null }> {
  assertCan(ctx, "disputes.respond");
  const { dispute, version } = await ctx.db.transaction(async (tx) => {
    const dispute = await lockDispute(tx, ctx.merchantId, ref.disputeId);
    const response = await lockResponse(tx, ctx, dispute);
    assertEditable(dispute, response, ref);
    const changed = changedFields(response.fields, fields);
    const [saved] = await tx
      .update(disputeResponses)
      .set({
        fields,
        version: response.version + 1,
        updatedByUserId: ctx.user.id,
        lastError: null,
        updatedAt: new Date(),
      })
      .where(
        and(
          eq(disputeResponses.merchantId, ctx.merchantId),
          eq(disputeResponses.disputeId, dispute.id),
        ),
      )
      .returning();
    await auditAs(tx, ctx, {
      action: "dispute.evidence_saved",
      targetType: "dispute",
      targetId: dispute.id,
      summary: changed.length
        ? `Saved evidence draft (${changed.length} field${changed.length === 1 ? "" : "s"} changed)`
        : "Saved evidence draft (no changes)",
      before: Object.fromEntries(changed.map((k) => [k, response.fields[k] ?? ""])),
      after: Object.fromEntries(changed.map((k) => [k, fields[k as keyof EvidenceFields]])),
    });
    return { dispute, version: saved.version };
  });

  const connection = await connectionFor(ctx, dispute);
  const connector = connectorFor(connection.provider);
  if (!connector.disputeSupport.stage) return { version, staged: false, stageError: null };
  // Staging is best effort: the draft is safe in Parley whatever the provider answers.
  try {
    const files = await withPack(ctx, dispute.id, await providerFiles(ctx.db, ctx, dispute.id));
    const result = await connector.submitDisputeEvidence(connectorContext(connection, ctx.db), {
      providerDisputeId: dispute.providerDisputeId,
      fields,
      files,
      idempotencyKey: `stage:${dispute.id}:v${version}`,
      submit: false,
    });
    await ctx.db.transaction(async (tx) => {
      await rememberProviderFileIds(tx, ctx, result.providerFileIds);
      await tx
        .update(disputeResponses)
        .set({ stagedAt: new Date() })
        .where(
          and(
            eq(disputeResponses.merchantId, ctx.merchantId),
            eq(disputeResponses.disputeId, dispute.id),
          ),
        );
    });
    return { version, staged: true, stageError: null };
  } catch (error) {
    return {
      version,
      staged: false,
      stageError: error instanceof Error ? error.message : String(error),
    };
  }
}

export interface UploadedFile {
  slot: EvidenceFileSlot;
  name: string;
  bytes: Uint8Array;
}

/** Attaches one file: its type is read from its bytes and checked against the provider's limits. */
export async function addEvidenceFile(
  ctx: ServiceContext,
  disputeId: string,
  upload: UploadedFile,
) {
  assertCan(ctx, "disputes.respond");
  // Read before the transaction: one PGlite connection cannot serve a second query inside it.
  const connection = await connectionFor(ctx, await loadDispute(ctx, disputeId));
  return ctx.db.transaction(async (tx) => {
    const dispute = await lockDispute(tx, ctx.merchantId, disputeId);
    const response = await lockResponse(tx, ctx, dispute);
    assertEditable(dispute, response, { disputeId, version: response.version });
    const existing = await tx
      .select({ slot: disputeFiles.slot, sizeBytes: disputeFiles.sizeBytes })
      .from(disputeFiles)
      .where(
        and(eq(disputeFiles.merchantId, ctx.merchantId), eq(disputeFiles.disputeId, disputeId)),
      );
    if (existing.some((f) => f.slot === upload.slot))
      throw new AppError(
        "This kind of evidence already has a file: remove it first (providers take one per kind).",
        409,
        {
          file: ["Remove the file already attached for this kind first"],
        },
      );
    const check = checkEvidenceFile(
      connection.provider,
      { name: upload.name, head: upload.bytes.subarray(0, 16), sizeBytes: upload.bytes.byteLength },
      existing.reduce((total, f) => total + f.sizeBytes, 0),
    );
    if (!check.ok)
      throw new AppError(check.message, check.message.includes("limit") ? 413 : 422, {
        file: [check.message],
      });
    const bytes = Buffer.from(upload.bytes);
    const [file] = await tx
      .insert(disputeFiles)
      .values({
        merchantId: ctx.merchantId,
        id: newId("evidence"),
        disputeId,
        slot: upload.slot,
        fileName: upload.name,
        contentType: check.contentType,
        sizeBytes: bytes.byteLength,
        sha256: createHash("sha256").update(bytes).digest("hex"),
        bytes,
        uploadedByUserId: ctx.user.id,
      })
      .returning({
        id: disputeFiles.id,
        fileName: disputeFiles.fileName,
        contentType: disputeFiles.contentType,
        sizeBytes: disputeFiles.sizeBytes,
        sha256: disputeFiles.sha256,
      });
    await auditAs(tx, ctx, {
      action: "dispute.file_uploaded",
      targetType: "dispute",
      targetId: disputeId,
      summary: `Attached ${file.fileName} (${file.contentType}, ${file.sizeBytes} bytes) as ${upload.slot}`,
      after: { fileId: file.id, slot: upload.slot, sha256: file.sha256 },
    });
    return file;
  });
}

export async function removeEvidenceFile(ctx: ServiceContext, disputeId: string, fileId: string) {
  assertCan(ctx, "disputes.respond");
  await ctx.db.transaction(async (tx) => {
    const dispute = await lockDispute(tx, ctx.merchantId, disputeId);
    const response = await lockResponse(tx, ctx, dispute);
    assertEditable(dispute, response, { disputeId, version: response.version });
    const [removed] = await tx
      .delete(disputeFiles)
      .where(
        and(
          eq(disputeFiles.merchantId, ctx.merchantId),
          eq(disputeFiles.disputeId, disputeId),
          eq(disputeFiles.id, fileId),
        ),
      )
      .returning({ fileName: disputeFiles.fileName, slot: disputeFiles.slot });
    if (!removed) throw new AppError("This file is no longer attached.", 404);
    await auditAs(tx, ctx, {
      action: "dispute.file_removed",
      targetType: "dispute",
      targetId: disputeId,
      summary: `Removed ${removed.fileName} (${removed.slot})`,
      before: { fileId, slot: removed.slot },
    });
  });
}

type Intent = "submit" | "accept";

/** Claims the one send of this answer: under the row lock, or refused. */
async function claimSend(
  ctx: ServiceContext,
  ref: FormRef,
  intent: Intent,
  fields: EvidenceFields | null,
  seenUpdatedAt: string | null,
) {
  return ctx.db.transaction(async (tx) => {
    const dispute = await lockDispute(tx, ctx.merchantId, ref.disputeId);
    const response = await lockResponse(tx, ctx, dispute);
    assertEditable(dispute, response, ref);
    assertFresh(dispute, seenUpdatedAt);
    const key = `${intent}:${dispute.id}`;
    const [claimed] = await tx
      .update(disputeResponses)
      .set({
        state: "sending",
        submissionKey: key,
        ...(fields ? { fields, version: response.version + 1 } : {}),
        updatedByUserId: ctx.user.id,
        lastError: null,
        updatedAt: new Date(),
      })
      .where(
        and(
          eq(disputeResponses.merchantId, ctx.merchantId),
          eq(disputeResponses.disputeId, dispute.id),
        ),
      )
      .returning();
    return { dispute, response: claimed };
  });
}

async function settle(
  ctx: ServiceContext,
  dispute: Dispute,
  intent: Intent,
  outcome:
    { kind: "done" } | { kind: "refused"; message: string } | { kind: "unknown"; message: string },
) {
  const now = new Date();
  return ctx.db.transaction(async (tx) => {
    const locked = await lockDispute(tx, ctx.merchantId, dispute.id);
    const state =
      outcome.kind === "done"
        ? intent === "submit"
          ? "submitted"
          : "accepted"
        : outcome.kind === "unknown"
          ? "unknown"
          : "draft";
    await tx
      .update(disputeResponses)
      .set({ state, lastError: outcome.kind === "done" ? null : outcome.message, updatedAt: now })
      .where(
        and(
          eq(disputeResponses.merchantId, ctx.merchantId),
          eq(disputeResponses.disputeId, dispute.id),
        ),
      );
    let after = locked;
    if (outcome.kind === "done")
      after =
        intent === "submit"
          ? await markSubmitted(tx, locked, now)
          : await markAccepted(tx, locked, now);
    const verb = intent === "submit" ? "evidence submission" : "acceptance";
    await auditAs(tx, ctx, {
      action:
        outcome.kind === "done"
          ? intent === "submit"
            ? "dispute.evidence_submitted"
            : "dispute.accepted"
          : outcome.kind === "unknown"
            ? "dispute.response_unknown"
            : "dispute.response_refused",
      targetType: "dispute",
      targetId: dispute.id,
      summary:
        outcome.kind === "done"
          ? intent === "submit"
            ? "Submitted evidence to the provider; the case is under review"
            : "Accepted the dispute (cannot be undone)"
          : outcome.kind === "unknown"
            ? `The provider did not answer the ${verb}; outcome unknown until re-checked (${outcome.message})`
            : `The provider refused the ${verb}: ${outcome.message}`,
      after: { intent, status: after.status },
    });
    await publishEvent(
      tx,
      paymentEvent({ merchantId: dispute.merchantId, mode: dispute.mode, id: dispute.paymentId }),
    );
    return after;
  });
}

async function send(
  ctx: ServiceContext,
  ref: FormRef,
  intent: Intent,
  fields: EvidenceFields | null,
  seenUpdatedAt: string | null,
) {
  const { dispute, response } = await claimSend(ctx, ref, intent, fields, seenUpdatedAt);
  const connection = await connectionFor(ctx, dispute).catch(async (error: unknown) => {
    await settle(ctx, dispute, intent, { kind: "refused", message: (error as Error).message });
    throw error;
  });
  const connector = connectorFor(connection.provider);
  try {
    if (intent === "submit") {
      const files = await withPack(ctx, dispute.id, await providerFiles(ctx.db, ctx, dispute.id));
      const result = await connector.submitDisputeEvidence(connectorContext(connection, ctx.db), {
        providerDisputeId: dispute.providerDisputeId,
        fields: response.fields,
        files,
        idempotencyKey: response.submissionKey!,
        submit: true,
      });
      await rememberProviderFileIds(ctx.db, ctx, result.providerFileIds);
    } else {
      await connector.acceptDispute(
        connectorContext(connection, ctx.db),
        dispute.providerDisputeId,
        response.submissionKey!,
      );
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (isOutcomeUnknown(error)) {
      await settle(ctx, dispute, intent, { kind: "unknown", message });
      throw new AppError(
        `The provider did not answer in time, so we do not know whether it took the ${intent === "submit" ? "evidence" : "acceptance"}. Nothing will be sent again until "Check with the provider" settles it.`,
        502,
      );
    }
    await settle(ctx, dispute, intent, { kind: "refused", message });
    throw new AppError(`The provider refused: ${message}`, 502);
  }
  return settle(ctx, dispute, intent, { kind: "done" });
}

/** Submits the evidence once: after this the answer is locked and the case under review. */
export function submitEvidence(
  ctx: ServiceContext,
  ref: FormRef,
  fields: EvidenceFields,
  seenUpdatedAt: string | null,
) {
  assertCan(ctx, "disputes.respond");
  return send(ctx, ref, "submit", fields, seenUpdatedAt);
}

/** Accepts the dispute at the provider (the money stays with the customer; cannot be undone). */
export function acceptDispute(ctx: ServiceContext, ref: FormRef, seenUpdatedAt: string | null) {
  assertCan(ctx, "disputes.respond");
  return send(ctx, ref, "accept", null, seenUpdatedAt);
}

/**
 * Settles an unknown outcome by re-reading the dispute at the provider: under review (or closed
 * after a submit) means it took it; still needing a response means it did not, and the draft is
 * editable again. A provider with no lookup leaves it unknown until its webhook arrives.
 */
export async function recheckResponse(ctx: ServiceContext, disputeId: string) {
  assertCan(ctx, "disputes.respond");
  const response = await loadResponse(ctx, disputeId);
  if (!response || response.state !== "unknown")
    throw new ConflictError("Nothing is waiting for the provider's answer.");
  const intent: Intent = response.submissionKey?.startsWith("accept:") ? "accept" : "submit";
  const evidence = await getEvidenceCase(ctx, disputeId);
  const connection = await connectionFor(ctx, evidence.dispute);
  const connector = connectorFor(connection.provider);
  if (!connector.disputeSupport.fetch)
    throw new AppError(
      "This provider cannot be asked; its dispute notification will settle this.",
      409,
    );
  let standing;
  try {
    standing = await connector.fetchDisputeStanding(
      connectorContext(connection, ctx.db),
      evidence.dispute.providerDisputeId,
    );
  } catch (error) {
    throw new AppError(
      `The provider could not be asked: ${error instanceof ProviderError ? error.message : String(error)}`,
      502,
    );
  }
  const tookIt = intent === "submit" ? standing !== "needs_response" : standing === "closed";
  return settle(
    ctx,
    evidence.dispute,
    intent,
    tookIt
      ? { kind: "done" }
      : { kind: "refused", message: "The provider has no record of it; nothing was taken" },
  );
}
