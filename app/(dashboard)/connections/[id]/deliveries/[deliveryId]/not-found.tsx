import { EmptyState } from "@/components/ui/card";
import Link from "next/link";

export default function DeliveryNotFound() {
  return (
    <EmptyState
      title="Webhook delivery not found"
      action={
        <Link href="/connections" className="text-sm font-medium text-brand-700 hover:underline">
          Back to connections
        </Link>
      }
    >
      It belongs to another connection or merchant, or it never arrived.
    </EmptyState>
  );
}
