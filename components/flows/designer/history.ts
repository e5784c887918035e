// Undo/redo over whole values (the designer keeps the flow graph immutable, so each step is
// one reference). Edits sharing a key in a row — a drag, typing into one field — make one step.

export const HISTORY_LIMIT = 100;

export interface History<T> {
  past: T[];
  present: T;
  future: T[];
  /** Key of the edit that produced `present`; the next edit with the same key replaces it. */
  lastKey: string | null;
}

export type HistoryAction<T> =
  | { type: "commit"; value: T; key?: string }
  /** A commit computed from the present inside the reducer, so two events in one tick both land. */
  | { type: "update"; update: (present: T) => T; key?: string }
  | { type: "undo" }
  | { type: "redo" }
  /** Starts a new step for the next edit even if its key repeats (a drag ended, a field lost focus). */
  | { type: "checkpoint" }
  | { type: "reset"; value: T };

export function initHistory<T>(value: T): History<T> {
  return { past: [], present: value, future: [], lastKey: null };
}

export function historyReducer<T>(state: History<T>, action: HistoryAction<T>): History<T> {
  switch (action.type) {
    case "commit": {
      if (Object.is(action.value, state.present)) return state;
      const key = action.key ?? null;
      if (key !== null && key === state.lastKey) {
        return { ...state, present: action.value, future: [] };
      }
      const past = [...state.past, state.present];
      if (past.length > HISTORY_LIMIT) past.splice(0, past.length - HISTORY_LIMIT);
      return { past, present: action.value, future: [], lastKey: key };
    }
    case "update":
      return historyReducer(state, {
        type: "commit",
        value: action.update(state.present),
        key: action.key,
      });
    case "undo": {
      if (state.past.length === 0) return state;
      const previous = state.past[state.past.length - 1];
      return {
        past: state.past.slice(0, -1),
        present: previous,
        future: [state.present, ...state.future],
        lastKey: null,
      };
    }
    case "redo": {
      if (state.future.length === 0) return state;
      const [next, ...rest] = state.future;
      return { past: [...state.past, state.present], present: next, future: rest, lastKey: null };
    }
    case "checkpoint":
      return state.lastKey === null ? state : { ...state, lastKey: null };
    case "reset":
      return initHistory(action.value);
  }
}

export const canUndo = <T>(state: History<T>): boolean => state.past.length > 0;
export const canRedo = <T>(state: History<T>): boolean => state.future.length > 0;
