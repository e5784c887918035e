// The dispute's case page on both engines: its activity (provider events, notes, assignments),
// who it can be assigned to, and the two writes — audited, scoped by merchant, validated.
import type { Db, DbHandle } from "@/db/client";
import { disputeEvents, disputes } from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/context";
import { addDisputeNote, assignDispute, getDisputeCase } from "@/lib/disputes/case";
import { deskFiltersSchema, listDeskDisputes } from "@/lib/disputes/queries";
import { newId } from "@/lib/ids";
import { createCheckout } from "@/lib/payments/checkout";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  auditActions,
  configurePipelineEnv,
  merchantWithRoles,
  sandboxConnection,
} from "./helpers/pipeline-fixtures";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

configurePipelineEnv();

describe.each(ENGINES)("the dispute case on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let owner: ServiceContext;
  let support: ServiceContext;
  let analyst: ServiceContext;
  let stranger: ServiceContext;
  let merchantId: string;
  let disputeId: string;

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
    ({ owner, support, analyst, merchantId } = await merchantWithRoles(db));
    ({ owner: stranger } = await merchantWithRoles(db, "Elsewhere"));
    const connection = await sandboxConnection(owner);
    const payment = await createCheckout(db, merchantId, {
      connectionId: connection.id,
      amountMinor: 4_200,
      currency: "EUR",
      description: "Order 42",
      idempotencyKey: `case-${engine}`,
    });
    disputeId = newId("dispute");
    await db.insert(disputes).values({
      merchantId,
      id: disputeId,
      paymentId: payment.id,
      connectionId: connection.id,
      mode: "test",
      providerDisputeId: "sbx_dp_1",
      reason: "product_not_received",
      amountMinor: 4_200,
      currency: "EUR",
      dueBy: new Date(Date.now() + 6 * 24 * 3600_000),
    });
    await db.insert(disputeEvents).values({
      merchantId,
      id: newId("disputeEvent"),
      disputeId,
      kind: "provider",
      providerEventId: "evt_open",
      rawType: "dispute.created",
      toStatus: "needs_response",
      occurredAt: new Date(Date.now() - 60_000),
    });
  });
  afterAll(async () => handle?.close());

  it("shows the case with its payment, provider activity and who can work it", async () => {
    const found = await getDisputeCase(analyst, disputeId);
    expect(found.dispute.id).toBe(disputeId);
    expect(found.detail.payment.amountMinor).toBe(4_200);
    expect(found.activity.map((a) => a.kind)).toEqual(["provider"]);
    // Owners, admins and support respond to disputes; analysts do not.
    expect(found.assignable.map((m) => m.userId).sort()).toEqual(
      [owner.user.id, support.user.id].sort(),
    );
    expect(found.assignee).toBeNull();
  });

  it("adds a note and an assignment to the activity, oldest first, audited", async () => {
    await addDisputeNote(support, { disputeId, body: "  Customer called about the parcel  " });
    await assignDispute(support, { disputeId, assigneeUserId: support.user.id });
    // Saving the same assignment again changes nothing and adds nothing.
    await assignDispute(support, { disputeId, assigneeUserId: support.user.id });
    const found = await getDisputeCase(owner, disputeId);
    expect(found.activity.map((a) => [a.kind, a.body])).toEqual([
      ["provider", ""],
      ["note", "Customer called about the parcel"],
      ["assigned", `Assigned to ${support.user.name}`],
    ]);
    expect(found.activity[1].actorName).toBe(support.user.name);
    expect(found.assignee?.userId).toBe(support.user.id);
    const actions = await auditActions(db, merchantId);
    expect(actions.filter((a) => a === "dispute.note_added")).toHaveLength(1);
    expect(actions.filter((a) => a === "dispute.assigned")).toHaveLength(1);

    await assignDispute(owner, { disputeId, assigneeUserId: null });
    const [row] = await db
      .select({ assignee: disputes.assigneeUserId })
      .from(disputes)
      .where(and(eq(disputes.merchantId, merchantId), eq(disputes.id, disputeId)));
    expect(row.assignee).toBeNull();
  });

  it("refuses an empty note, an analyst, an assignee who cannot respond, and another merchant", async () => {
    await expect(addDisputeNote(support, { disputeId, body: "   " })).rejects.toThrow(
      /Write the note/,
    );
    await expect(addDisputeNote(analyst, { disputeId, body: "hi" })).rejects.toThrow(/role/);
    await expect(
      assignDispute(owner, { disputeId, assigneeUserId: analyst.user.id }),
    ).rejects.toThrow(/not found/);
    await expect(getDisputeCase(stranger, disputeId)).rejects.toThrow(/not found/);
    await expect(addDisputeNote(stranger, { disputeId, body: "hi" })).rejects.toThrow(/not found/);
    await expect(assignDispute(stranger, { disputeId, assigneeUserId: null })).rejects.toThrow(
      /not found/,
    );
    const events = await db
      .select()
      .from(disputeEvents)
      .where(and(eq(disputeEvents.merchantId, merchantId), eq(disputeEvents.kind, "note")));
    expect(events).toHaveLength(1);
  });

  it("the desk filters by reason and by assignee (or none)", async () => {
    const reader = { ...support, userId: support.user.id };
    const ids = async (filters: Parameters<typeof listDeskDisputes>[2]) =>
      (await listDeskDisputes(reader, "test", filters)).rows.map((r) => r.id);
    expect(await ids({ reason: "product_not_received" })).toEqual([disputeId]);
    expect(await ids({ reason: "fraudulent" })).toEqual([]);
    await assignDispute(support, { disputeId, assigneeUserId: owner.user.id });
    expect(await ids({ assignee: owner.user.id })).toEqual([disputeId]);
    expect(await ids({ assignee: "unassigned" })).toEqual([]);
    expect(await ids({ assignee: support.user.id })).toEqual([]);
    await assignDispute(support, { disputeId, assigneeUserId: null });
    expect(await ids({ assignee: "unassigned" })).toEqual([disputeId]);
    // Unknown values in the URL are ignored, not errors.
    expect(deskFiltersSchema.parse({ reason: "nonsense", assignee: "x' or 1=1" })).toEqual({});
  });
});
