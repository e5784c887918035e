import { EmptyState } from "@/components/ui/card";
import Link from "next/link";

export default function ConnectionNotFound() {
  return (
    <EmptyState
      title="Connection not found"
      action={
        <Link href="/connections" className="text-sm font-medium text-brand-700 hover:underline">
          Back to connections
        </Link>
      }
    >
      It may have been removed, or it belongs to another merchant. Switch merchant in the sidebar if
      you expected to see it.
    </EmptyState>
  );
}
