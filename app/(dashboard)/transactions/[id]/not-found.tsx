import { NotFoundState } from "@/components/ui/not-found";

export default function PaymentNotFound() {
  return (
    <NotFoundState
      title="Payment not found"
      backHref="/transactions"
      backLabel="Back to transactions"
    />
  );
}
