import { NotFoundState } from "@/components/ui/not-found";

export default function FlowNotFound() {
  return (
    <NotFoundState title="This flow was not found" backHref="/flows" backLabel="Back to your flows">
      It may have been deleted, or it belongs to another merchant than the one you are working in.
    </NotFoundState>
  );
}
