// The newest status each payment's live events reported, for the transactions list's status
// cells: an event updates its row's badge the moment it arrives, without waiting for the list's
// server refresh (which renders the whole page, ~4× the event's own latency; bench/live-latency.ts).
// The refresh still follows and brings every other column. Whichever is newer wins: a server
// render that already knows a later state is never overwritten by an older event.
import type { PaymentStatus } from "@/lib/connections/providers/types";

export interface LiveStatus {
  status: PaymentStatus;
  /** The payment row's updated_at, in ms. */
  updatedAt: number;
}

/** The status to show: the live one only when it is newer than what the server rendered. */
export function newerStatus(rendered: LiveStatus, live: LiveStatus | undefined): PaymentStatus {
  return live && live.updatedAt > rendered.updatedAt ? live.status : rendered.status;
}

const latest = new Map<string, LiveStatus>();
const listeners = new Set<() => void>();

/** Records an event's status (an older or equal one than already known is ignored). */
export function announceLiveStatus(
  paymentId: string,
  status: PaymentStatus,
  updatedAtIso: string,
): void {
  const updatedAt = Date.parse(updatedAtIso);
  if (Number.isNaN(updatedAt)) return;
  const known = latest.get(paymentId);
  if (known && known.updatedAt >= updatedAt) return;
  latest.set(paymentId, { status, updatedAt });
  for (const listener of listeners) listener();
}

export function subscribeLiveStatus(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function liveStatusOf(paymentId: string): LiveStatus | undefined {
  return latest.get(paymentId);
}
