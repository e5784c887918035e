"use client";

// The transactions list, live: payment events from the console stream re-render the server list
// (router.refresh, at most ~3 a second) so new rows slide in and changed rows flash. While the
// member is reading — scrolled down, or the pointer or focus inside the table — changes are
// held and counted instead ("Paused — N new") until they ask for them.
//
// It sits beside the list rather than around it: it finds the rows by their data-payment-id
// (components/transactions/payments-table.tsx), so the page and the table stay as they are.
import {
  connectionLabel,
  usePaymentEvents,
  type LivePayment,
} from "@/components/events/use-console-events";
import { useThrottledRefresh } from "@/components/events/use-throttled-refresh";
import { Button } from "@/components/ui/button";
import type { PaymentStatus } from "@/lib/connections/providers/types";
import { useCallback, useEffect, useRef, useState } from "react";
import { announceLiveStatus } from "./live-status-store";

/** Scrolled further than this from the top counts as reading. */
const TOP_SLACK_PX = 80;
const HIGHLIGHT_MS = 2_000;
const ROW = "tr[data-payment-id]";

function rowIds(): Set<string> {
  const ids = new Set<string>();
  document.querySelectorAll<HTMLElement>(ROW).forEach((row) => {
    if (row.dataset.paymentId) ids.add(row.dataset.paymentId);
  });
  return ids;
}

/** Puts each live mark on its payment's row (whichever element that is now); drops expired ones. */
function applyMarks(marks: Map<string, { kind: "new" | "changed"; until: number }>) {
  const now = Date.now();
  document.querySelectorAll<HTMLElement>(ROW).forEach((row) => {
    const mark = marks.get(row.dataset.paymentId ?? "");
    if (mark && mark.until > now) {
      if (row.dataset.live !== mark.kind) row.dataset.live = mark.kind;
    } else if (row.dataset.live) {
      delete row.dataset.live;
    }
  });
  for (const [id, mark] of marks) if (mark.until <= now) marks.delete(id);
}

/** Whether a node is inside the payments table (a table holding payment rows). */
function inPaymentsTable(node: EventTarget | null): boolean {
  if (!(node instanceof Element)) return false;
  const table = node.closest("table");
  return Boolean(table?.querySelector(ROW));
}

export function LiveTransactionsFeed({ live, mode }: { live: boolean; mode: "test" | "live" }) {
  if (!live) {
    return (
      <p className="mb-2 text-xs text-slate-500" data-testid="live-feed-static">
        Older payments: this page does not update by itself. Go back to the newest to see payments
        as they arrive.
      </p>
    );
  }
  return <LiveFeedControls mode={mode} />;
}

function LiveFeedControls({ mode }: { mode: "test" | "live" }) {
  const pointerInside = useRef(false);
  const focusInside = useRef(false);
  const [held, setHeld] = useState<ReadonlySet<string>>(() => new Set());
  const heldRef = useRef(held);
  const toHighlight = useRef(new Set<string>());
  const rowsBefore = useRef<Set<string> | null>(null);
  // The changes this refresh is showing: taken when it starts, so a change that arrives while it
  // is on its way waits for the next refresh instead of being forgotten when this one lands.
  const inFlight = useRef(new Set<string>());
  const {
    schedule,
    refreshNow,
    pending: refreshing,
  } = useThrottledRefresh(
    useCallback(() => {
      rowsBefore.current ??= rowIds();
      for (const id of toHighlight.current) inFlight.current.add(id);
      toHighlight.current.clear();
    }, []),
  );

  useEffect(() => {
    const over = (event: Event) => (pointerInside.current = inPaymentsTable(event.target));
    const focusIn = (event: Event) => (focusInside.current = inPaymentsTable(event.target));
    const focusOut = (event: FocusEvent) =>
      (focusInside.current = inPaymentsTable(event.relatedTarget));
    const leave = () => (pointerInside.current = false);
    document.addEventListener("pointerover", over);
    document.addEventListener("focusin", focusIn);
    document.addEventListener("focusout", focusOut);
    document.documentElement.addEventListener("pointerleave", leave);
    return () => {
      document.removeEventListener("pointerover", over);
      document.removeEventListener("focusin", focusIn);
      document.removeEventListener("focusout", focusOut);
      document.documentElement.removeEventListener("pointerleave", leave);
    };
  }, []);

  const connection = usePaymentEvents(
    mode,
    useCallback(
      (payment: LivePayment) => {
        const reading =
          heldRef.current.size > 0 ||
          pointerInside.current ||
          focusInside.current ||
          window.scrollY > TOP_SLACK_PX;
        if (reading) {
          if (heldRef.current.has(payment.id)) return;
          heldRef.current = new Set(heldRef.current).add(payment.id);
          setHeld(heldRef.current);
          return;
        }
        // The row's badge changes now; the refresh brings the rest of the row (and new rows).
        announceLiveStatus(payment.id, payment.status as PaymentStatus, payment.updatedAt);
        toHighlight.current.add(payment.id);
        schedule();
      },
      [schedule],
    ),
  );

  const applyHeld = () => {
    for (const id of heldRef.current) toHighlight.current.add(id);
    heldRef.current = new Set();
    setHeld(heldRef.current);
    refreshNow();
  };

  // After a refresh has rendered: rows that were not there slide in, changed rows flash. A mark
  // lives for HIGHLIGHT_MS by payment id, not by element: another refresh in that time (other
  // payments' events) may hand back a new <tr> for the same payment, and it keeps the mark.
  const marks = useRef(new Map<string, { kind: "new" | "changed"; until: number }>());
  useEffect(() => {
    if (refreshing || !rowsBefore.current) return;
    const before = rowsBefore.current;
    rowsBefore.current = null;
    const now = Date.now();
    document.querySelectorAll<HTMLElement>(ROW).forEach((row) => {
      const id = row.dataset.paymentId ?? "";
      const kind = !before.has(id) ? "new" : inFlight.current.has(id) ? "changed" : null;
      if (kind) marks.current.set(id, { kind, until: now + HIGHLIGHT_MS });
    });
    inFlight.current.clear();
    applyMarks(marks.current);
  }, [refreshing]);
  useEffect(() => {
    const timer = window.setInterval(() => applyMarks(marks.current), 250);
    return () => window.clearInterval(timer);
  }, []);

  const label = connectionLabel(connection);
  return (
    <div className="mb-2 flex min-h-9 flex-wrap items-center justify-between gap-2">
      <span
        className="inline-flex items-center gap-2 text-xs text-slate-600"
        data-testid="live-feed-state"
      >
        <span aria-hidden="true" className={`h-2 w-2 rounded-full ${label.dot}`} />
        {label.text}
      </span>
      <div role="status" aria-live="polite">
        {held.size > 0 ? (
          <Button
            type="button"
            variant="secondary"
            onClick={applyHeld}
            data-testid="live-feed-paused"
          >
            Paused — {held.size} new
          </Button>
        ) : null}
      </div>
    </div>
  );
}
