import { NotFoundState } from "@/components/ui/not-found";

export default function DeliveryNotFound() {
  return (
    <NotFoundState
      title="Webhook delivery not found"
      backHref="/connections"
      backLabel="Back to connections"
    >
      It belongs to another connection or merchant, or it never arrived.
    </NotFoundState>
  );
}
