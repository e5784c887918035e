"use client";

import type { PaymentStatus } from "@/lib/connections/providers/types";
import { useCallback, useSyncExternalStore } from "react";
import { liveStatusOf, newerStatus, subscribeLiveStatus } from "./live-status-store";
import { PaymentStatusBadge } from "./payment-status-badge";

/** A list row's status: the server's, or a newer one its live event just reported. */
export function LiveStatusBadge({
  paymentId,
  status,
  updatedAt,
}: {
  paymentId: string;
  status: PaymentStatus;
  updatedAt: number;
}) {
  const live = useSyncExternalStore(
    subscribeLiveStatus,
    useCallback(() => liveStatusOf(paymentId), [paymentId]),
    () => undefined,
  );
  return <PaymentStatusBadge status={newerStatus({ status, updatedAt }, live)} />;
}
