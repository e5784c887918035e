import { EmptyState, PageHeader } from "@/components/ui/card";

/** An area whose issue has not landed yet: says what will be here and what to do meanwhile. */
export function AreaPlaceholder({
  title,
  description,
  emptyTitle,
  next,
}: {
  title: string;
  description: string;
  emptyTitle: string;
  next: React.ReactNode;
}) {
  return (
    <>
      <PageHeader title={title} description={description} />
      <EmptyState title={emptyTitle}>{next}</EmptyState>
    </>
  );
}
