import { EmptyState } from "@/components/ui/card";
import Link from "next/link";

export default function ConversationNotFound() {
  return (
    <EmptyState
      title="Conversation not found"
      action={
        <Link href="/conversations" className="text-sm font-medium text-brand-700 hover:underline">
          Back to conversations
        </Link>
      }
    >
      It belongs to another merchant or never existed. Switch merchant in the sidebar if you
      expected to see it.
    </EmptyState>
  );
}
