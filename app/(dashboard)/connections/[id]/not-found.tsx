import { NotFoundState } from "@/components/ui/not-found";

export default function ConnectionNotFound() {
  return (
    <NotFoundState
      title="Connection not found"
      backHref="/connections"
      backLabel="Back to connections"
    >
      It may have been removed, or it belongs to another merchant. Switch merchant in the sidebar if
      you expected to see it.
    </NotFoundState>
  );
}
