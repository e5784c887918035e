import { EmptyState } from "@/components/ui/card";
import Link from "next/link";

export default function PaymentNotFound() {
  return (
    <EmptyState
      title="Payment not found"
      action={
        <Link href="/transactions" className="text-sm font-medium text-brand-700 hover:underline">
          Back to transactions
        </Link>
      }
    >
      It belongs to another merchant or never existed. Switch merchant in the sidebar if you
      expected to see it.
    </EmptyState>
  );
}
