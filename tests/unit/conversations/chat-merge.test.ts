import { choicesAreLive, latestCursor, mergeMessages } from "@/components/chat/merge";
import type { ChatMessageView } from "@/lib/conversations/engine/messages";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const message = (
  id: string,
  createdAt: string,
  extra: Partial<ChatMessageView> = {},
): ChatMessageView => ({
  id,
  direction: "outbound",
  kind: "text",
  text: id,
  createdAt,
  ...extra,
});

const arbMessages = fc
  .uniqueArray(
    fc.record({
      id: fc.stringMatching(/^msg_[a-z0-9]{1,6}$/),
      ms: fc.integer({ min: 0, max: 10_000 }),
    }),
    { selector: (m) => m.id, maxLength: 30 },
  )
  .map((list) => list.map((m) => message(m.id, new Date(1_700_000_000_000 + m.ms).toISOString())));

describe("mergeMessages", () => {
  it("keeps one copy of each message, in written order, however the batches arrive", () => {
    fc.assert(
      fc.property(arbMessages, fc.array(fc.nat(), { maxLength: 10 }), (all, cuts) => {
        // Split the list into overlapping batches in shuffled order, as stream, poll and send answers do.
        const batches = cuts.map((cut, i) =>
          all.slice(cut % (all.length + 1), (cut + i + 3) % (all.length + 2)),
        );
        batches.push(all);
        const merged = batches
          .reverse()
          .reduce<ChatMessageView[]>((acc, batch) => mergeMessages(acc, batch), []);
        expect(merged.map((m) => m.id)).toEqual(
          [...all]
            .sort((a, b) =>
              a.createdAt === b.createdAt
                ? a.id < b.id
                  ? -1
                  : 1
                : a.createdAt < b.createdAt
                  ? -1
                  : 1,
            )
            .map((m) => m.id),
        );
      }),
    );
  });

  it("replaces a message with its newer copy", () => {
    const merged = mergeMessages(
      [message("a", "2025-01-01T00:00:00.000Z", { text: "old" })],
      [message("a", "2025-01-01T00:00:00.000Z", { text: "new" })],
    );
    expect(merged.map((m) => m.text)).toEqual(["new"]);
  });
});

describe("latestCursor", () => {
  it("never moves backwards", () => {
    const list = [message("a", "2025-01-01T00:00:01.000Z")];
    expect(latestCursor(list, null)).toBe("2025-01-01T00:00:01.000Z");
    expect(latestCursor(list, "2025-01-01T00:00:05.000Z")).toBe("2025-01-01T00:00:05.000Z");
    expect(latestCursor([], "2025-01-01T00:00:05.000Z")).toBe("2025-01-01T00:00:05.000Z");
  });
});

describe("choicesAreLive", () => {
  const options = [{ value: "a", label: "A" }];
  const list = [
    message("m1", "2025-01-01T00:00:01.000Z", { kind: "choices", options }),
    message("m2", "2025-01-01T00:00:02.000Z", { direction: "inbound" }),
    message("m3", "2025-01-01T00:00:03.000Z", { kind: "choices", options }),
    message("m4", "2025-01-01T00:00:04.000Z"),
  ];

  it("enables only the newest question's buttons while the bot waits for an answer", () => {
    expect(choicesAreLive(list, 2, "waiting_input")).toBe(true);
    expect(choicesAreLive(list, 0, "waiting_input")).toBe(false);
    expect(choicesAreLive(list, 2, "waiting_payment")).toBe(false);
    expect(choicesAreLive(list, 2, "completed")).toBe(false);
  });

  it("disables buttons the customer already answered", () => {
    expect(
      choicesAreLive(
        [...list, message("m5", "2025-01-01T00:00:05.000Z", { direction: "inbound" })],
        2,
        "waiting_input",
      ),
    ).toBe(false);
  });
});
