import { NotFoundState } from "@/components/ui/not-found";

export default function ConversationNotFound() {
  return (
    <NotFoundState
      title="Conversation not found"
      backHref="/conversations"
      backLabel="Back to conversations"
    />
  );
}
