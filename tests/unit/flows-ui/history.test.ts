import {
  canRedo,
  canUndo,
  HISTORY_LIMIT,
  historyReducer,
  initHistory,
  type History,
} from "@/components/flows/designer/history";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const commit = (state: History<string>, value: string, key?: string) =>
  historyReducer(state, { type: "commit", value, key });
const undo = (state: History<string>) => historyReducer(state, { type: "undo" });
const redo = (state: History<string>) => historyReducer(state, { type: "redo" });

describe("history reducer", () => {
  it("undoes and redoes edits in order", () => {
    let h = initHistory("a");
    h = commit(commit(h, "b"), "c");
    expect(h.present).toBe("c");
    h = undo(h);
    expect(h.present).toBe("b");
    h = undo(h);
    expect(h.present).toBe("a");
    expect(canUndo(h)).toBe(false);
    expect(undo(h)).toBe(h);
    h = redo(redo(h));
    expect(h.present).toBe("c");
    expect(canRedo(h)).toBe(false);
    expect(redo(h)).toBe(h);
  });

  it("drops the redo branch when a new edit follows an undo", () => {
    let h = commit(commit(initHistory("a"), "b"), "c");
    h = undo(undo(h));
    h = commit(h, "x");
    expect(h.present).toBe("x");
    expect(canRedo(h)).toBe(false);
    expect(undo(h).present).toBe("a");
  });

  it("merges edits with the same key into one step until a checkpoint", () => {
    let h = initHistory("a");
    h = commit(h, "ab", "field:text");
    h = commit(h, "abc", "field:text");
    h = commit(h, "abcd", "field:text");
    expect(h.past).toEqual(["a"]);
    h = historyReducer(h, { type: "checkpoint" });
    h = commit(h, "abcde", "field:text");
    expect(h.past).toEqual(["a", "abcd"]);
    h = commit(h, "moved", "drag:pay");
    expect(undo(h).present).toBe("abcde");
  });

  it("does not merge across an undo even if the key repeats", () => {
    let h = commit(commit(initHistory("a"), "ab", "k"), "abc", "k");
    h = undo(h);
    h = commit(h, "aX", "k");
    expect(h.past).toEqual(["a"]);
    h = commit(h, "aXY", "k");
    expect(h.past).toEqual(["a"]);
  });

  it("applies updates to the present, so back-to-back updates both land", () => {
    let h = initHistory("a");
    h = historyReducer(h, { type: "update", update: (v) => `${v}b` });
    h = historyReducer(h, { type: "update", update: (v) => `${v}c` });
    expect(h.present).toBe("abc");
    expect(h.past).toEqual(["a", "ab"]);
    const same = historyReducer(h, { type: "update", update: (v) => v });
    expect(same).toBe(h);
  });

  it("ignores a commit of the value already present", () => {
    const h = commit(initHistory("a"), "b");
    expect(commit(h, "b")).toBe(h);
  });

  it("keeps at most HISTORY_LIMIT undo steps", () => {
    let h = initHistory("0");
    for (let i = 1; i <= HISTORY_LIMIT + 20; i++) h = commit(h, String(i));
    expect(h.past).toHaveLength(HISTORY_LIMIT);
    expect(h.past[0]).toBe("20");
  });

  it("resets to a single value", () => {
    const h = historyReducer(commit(initHistory("a"), "b"), { type: "reset", value: "z" });
    expect(h).toEqual(initHistory("z"));
  });

  it("undo then redo of any number of steps returns to the same present (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string(), { minLength: 1, maxLength: 30 }),
        fc.nat(40),
        (values, steps) => {
          let h = initHistory("start");
          for (const [i, v] of values.entries()) h = commit(h, `${i}:${v}`);
          const before = h.present;
          let back = h;
          for (let i = 0; i < steps; i++) back = undo(back);
          for (let i = 0; i < steps; i++) back = redo(back);
          expect(back.present).toBe(before);
          expect(back.past.length + back.future.length).toBe(values.length);
        },
      ),
    );
  });
});
