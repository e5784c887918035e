import type { ConversationStatus, HandoffStatus } from "@/db/schema";
import { decideInbox, decideReassign, type InboxCommand } from "@/lib/conversations/inbox/takeover";
import { describe, expect, it } from "vitest";

const ME = "usr_me";
const OTHER = "usr_other";

function decide(
  command: InboxCommand,
  handoff: { status: HandoffStatus | null; assignedUserId?: string | null },
  conversation: { status?: ConversationStatus; isSimulation?: boolean } = {},
) {
  return decideInbox(command, {
    conversation: {
      status: conversation.status ?? "handed_off",
      isSimulation: conversation.isSimulation ?? false,
    },
    handoff: {
      status: handoff.status,
      assignedUserId: handoff.assignedUserId ?? null,
      assignedName: handoff.assignedUserId === OTHER ? "Ana" : null,
    },
    actorUserId: ME,
  });
}

// Every (command × who holds it) the Inbox can meet, with the outcome it must give.
const TABLE: [InboxCommand, HandoffStatus | null, string | null, string][] = [
  ["take", null, null, "assigned"],
  ["take", "waiting", null, "assigned"],
  ["take", "returned", null, "assigned"],
  ["take", "assigned", ME, "assigned (no change)"],
  ["take", "assigned", OTHER, "held_by_other"],
  ["reply", "assigned", ME, "assigned"],
  ["reply", "assigned", OTHER, "held_by_other"],
  ["reply", "waiting", null, "not_held"],
  ["reply", null, null, "not_held"],
  ["request_payment", "assigned", ME, "assigned"],
  ["request_payment", "waiting", null, "not_held"],
  ["request_payment", "closed", null, "ended"],
  ["hand_back", "assigned", ME, "returned"],
  ["hand_back", "assigned", OTHER, "held_by_other"],
  ["hand_back", "returned", null, "not_held"],
  ["close", "assigned", ME, "closed"],
  ["close", "waiting", null, "not_held"],
];

describe("Inbox takeover decisions", () => {
  it.each(TABLE)(
    "%s when the hand-off is %s (held by %s) → %s",
    (command, status, holder, expected) => {
      const decision = decide(command, { status, assignedUserId: holder });
      if (decision.ok) {
        expect(decision.changed ? decision.next : `${decision.next} (no change)`).toBe(
          expected === "assigned" && command !== "take" ? "assigned (no change)" : expected,
        );
      } else {
        expect(decision.code).toBe(expected);
      }
    },
  );

  it("names who holds the conversation when refusing a second agent", () => {
    const decision = decide("take", { status: "assigned", assignedUserId: OTHER });
    expect(decision).toMatchObject({
      ok: false,
      reason: expect.stringContaining("Ana is handling"),
    });
  });

  it.each(["completed", "expired", "abandoned"] as const)(
    "refuses every command on a %s conversation",
    (status) => {
      for (const command of ["take", "reply", "request_payment", "hand_back", "close"] as const) {
        expect(
          decide(command, { status: "assigned", assignedUserId: ME }, { status }),
        ).toMatchObject({
          ok: false,
          code: "ended",
        });
      }
    },
  );

  it("refuses simulator conversations: there is no customer", () => {
    expect(decide("take", { status: null }, { isSimulation: true })).toMatchObject({
      ok: false,
      code: "simulation",
    });
  });

  it("a hand-back or close always leaves the agent without the chat; a take always gives it", () => {
    const statuses: (HandoffStatus | null)[] = [null, "waiting", "assigned", "returned", "closed"];
    for (const status of statuses)
      for (const holder of [null, ME, OTHER]) {
        const take = decide("take", { status, assignedUserId: holder });
        if (take.ok) expect(take.next).toBe("assigned");
        for (const command of ["hand_back", "close"] as const) {
          const end = decide(command, { status, assignedUserId: holder });
          if (end.ok) {
            expect(status).toBe("assigned");
            expect(holder).toBe(ME);
            expect(end.next).not.toBe("assigned");
          }
        }
      }
  });
});

describe("reassigning a conversation (owners and admins)", () => {
  const reassign = (
    status: HandoffStatus | null,
    holder: string | null,
    to: string,
    conversation: { status?: ConversationStatus; isSimulation?: boolean } = {},
  ) =>
    decideReassign({
      conversation: {
        status: conversation.status ?? "handed_off",
        isSimulation: conversation.isSimulation ?? false,
      },
      handoff: { status, assignedUserId: holder },
      assigneeUserId: to,
    });

  it("moves only a held conversation; to its holder again it changes nothing", () => {
    expect(reassign("assigned", OTHER, ME)).toEqual({ ok: true, changed: true });
    expect(reassign("assigned", OTHER, "usr_third")).toEqual({ ok: true, changed: true });
    expect(reassign("assigned", OTHER, OTHER)).toEqual({ ok: true, changed: false });
    for (const status of [null, "waiting", "returned"] as const)
      expect(reassign(status, null, ME)).toMatchObject({ ok: false, code: "not_held" });
  });

  it("refuses closed and simulated conversations", () => {
    expect(reassign("closed", null, ME)).toMatchObject({ ok: false, code: "ended" });
    expect(reassign("assigned", OTHER, ME, { status: "completed" })).toMatchObject({
      ok: false,
      code: "ended",
    });
    expect(reassign("assigned", OTHER, ME, { isSimulation: true })).toMatchObject({
      ok: false,
      code: "simulation",
    });
  });
});
