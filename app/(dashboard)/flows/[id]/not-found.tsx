import { EmptyState } from "@/components/ui/card";
import Link from "next/link";

export default function FlowNotFound() {
  return (
    <EmptyState
      title="This flow was not found"
      action={
        <Link href="/flows" className="text-sm font-medium text-brand-700 hover:underline">
          Back to your flows
        </Link>
      }
    >
      It may have been deleted, or it belongs to another merchant than the one you are working in.
    </EmptyState>
  );
}
