// What the evidence form starts with: facts Parley already holds about the payment and the chat
// in which the customer ordered and agreed to pay. Pure: the case loader passes them in.
import type { Dispute, Payment } from "@/db/schema";
import { formatMoney } from "@/lib/money";
import type { PaymentConversation } from "@/lib/payments/detail";
import type { EvidencePack } from "./pack-pdf";
import { EVIDENCE_FIELD_LABELS, emptyEvidenceFields, type EvidenceFields } from "./schemas";

function money(amountMinor: number, currency: string): string {
  try {
    return formatMoney(amountMinor, currency);
  } catch {
    return `${amountMinor} ${currency} (minor units)`;
  }
}

const stamp = (at: Date) => `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;

function transcriptLines(conversation: PaymentConversation): string[] {
  return conversation.messages.map((m) => {
    const who = m.direction === "inbound" ? "Customer" : "Merchant";
    const view = m.view;
    let text = view?.text ?? "(a message this version cannot show)";
    if (view?.kind === "payment_link" && view.amountMinor !== undefined && view.currency)
      text = `${text} [payment link for ${money(view.amountMinor, view.currency)}]`;
    if (view?.kind === "choices" && view.options?.length)
      text = `${text} [options: ${view.options.map((o) => o.label).join(" / ")}]`;
    return `${stamp(m.createdAt)} ${who}: ${text}${m.redacted ? " (card data removed)" : ""}`;
  });
}

function receiptLines(payment: Payment, conversation: PaymentConversation | null): string[] {
  const lines = [
    `Payment ${payment.id}: ${money(payment.amountMinor, payment.currency)}${payment.description ? ` — ${payment.description}` : ""}`,
  ];
  if (payment.succeededAt) lines.push(`Paid ${stamp(payment.succeededAt)} via ${payment.provider}`);
  for (const item of conversation?.cart?.items ?? [])
    lines.push(`${item.quantity} × ${item.sku} at ${money(item.unitMinor, payment.currency)}`);
  if (conversation?.shown)
    lines.push(
      `Amount shown to the customer in the chat: ${money(conversation.shown.amountMinor, conversation.shown.currency)} (${stamp(conversation.shown.at)})`,
    );
  if (conversation?.confirmed)
    lines.push(
      `Customer confirmed: "${conversation.confirmed.text}" (${stamp(conversation.confirmed.at)})`,
    );
  return lines;
}

export function prefillEvidence(
  payment: Payment,
  conversation: PaymentConversation | null,
): EvidenceFields {
  const fields = emptyEvidenceFields();
  fields.productDescription = payment.description ?? "";
  fields.customerEmail = payment.customerEmail ?? "";
  fields.receiptText = receiptLines(payment, conversation).join("\n");
  if (payment.succeededAt) fields.serviceDate = payment.succeededAt.toISOString().slice(0, 10);
  if (conversation) {
    fields.customerCommunication = [
      `The customer ordered and agreed to pay in a ${conversation.channel} conversation (${conversation.id}); the full transcript is in the attached evidence pack.`,
      ...(conversation.confirmed ? [`They confirmed with: "${conversation.confirmed.text}".`] : []),
    ].join(" ");
  }
  return fields;
}

/** The evidence pack's content: case facts, receipt, transcript, then the written evidence. */
export function evidencePackContent(
  dispute: Dispute,
  payment: Payment,
  conversation: PaymentConversation | null,
  fields: EvidenceFields,
  merchantName: string,
): EvidencePack {
  const written = (Object.keys(EVIDENCE_FIELD_LABELS) as (keyof EvidenceFields)[])
    .filter((k) => fields[k]?.trim())
    .map((k) => ({ label: EVIDENCE_FIELD_LABELS[k], value: fields[k] }));
  return {
    title: `Evidence for dispute ${dispute.providerDisputeId}`,
    subtitle: `${merchantName} · ${dispute.reason} · ${money(dispute.amountMinor, dispute.currency)} · payment ${payment.id}`,
    sections: [
      {
        heading: "Receipt",
        rows: receiptLines(payment, conversation).map((value) => ({ label: "", value })),
      },
      {
        heading: "Conversation transcript",
        rows: conversation
          ? transcriptLines(conversation).map((value) => ({ label: "", value }))
          : [{ label: "", value: "This payment was not made from a conversation." }],
      },
      {
        heading: "Merchant's evidence",
        rows: written.length ? written : [{ label: "", value: "No written evidence." }],
      },
    ],
  };
}
