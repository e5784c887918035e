"use client";

// The agent's side of a conversation: take it from the bot, reply through its channel, send a
// payment request, hand it back to the bot at a step, or close it. Every button waits for its
// answer (no second click meanwhile) and each form carries a request key, so a repeated submit
// is one message and one payment on the server too.
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Field, FormError, Input, Select } from "@/components/ui/field";
import type { ActionResult } from "@/lib/action";
import {
  closeConversationAction,
  handBackAction,
  reassignAction,
  replyAction,
  requestPaymentAction,
  takeOverAction,
} from "@/lib/conversations/inbox/actions";
import { PAYMENT_REQUEST_EXPIRY_MINUTES } from "@/lib/conversations/inbox/schemas";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

export interface AgentPanelProps {
  conversationId: string;
  handoffStatus: "waiting" | "assigned" | "returned" | "closed" | null;
  heldByMe: boolean;
  holderName: string | null;
  mayAct: boolean;
  ended: boolean;
  channelLabel: string;
  maxTextLength: number;
  /** ISO time the channel's 24 h window closes; null: no window. */
  windowClosesAt: string | null;
  hasWindow: boolean;
  steps: { id: string; label: string }[];
  /** Owners and admins: members the held chat can move to; null: the viewer may not reassign. */
  reassignTo: { userId: string; name: string }[] | null;
  payment: { connectionLabel: string; currency: string; methods: string[] } | null;
}

const METHOD_LABELS: Record<string, string> = {
  card: "Card",
  apple_pay: "Apple Pay",
  google_pay: "Google Pay",
  paypal: "PayPal",
  ideal: "iDEAL",
  bancontact: "Bancontact",
  sepa_debit: "SEPA Direct Debit",
  alipay: "Alipay",
  wechat_pay: "WeChat Pay",
  qris: "QRIS",
};

const EXPIRY_LABELS: Record<number, string> = {
  15: "15 minutes",
  60: "1 hour",
  240: "4 hours",
  1440: "24 hours",
};

function newKey(): string {
  return typeof crypto !== "undefined" && "randomUUID" in crypto
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

function fieldText(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

type Failure = Extract<ActionResult<unknown>, { ok: false }>;

function useAction() {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [failure, setFailure] = useState<Failure | null>(null);
  const [done, setDone] = useState<string | null>(null);
  function run<T>(call: () => Promise<ActionResult<T>>, onDone: (data: T) => string) {
    if (pending) return;
    setFailure(null);
    setDone(null);
    start(async () => {
      const result = await call();
      if (result.ok) {
        setDone(onDone(result.data));
        router.refresh();
      } else setFailure(result);
    });
  }
  return { pending, failure, done, run };
}

export function AgentPanel(props: AgentPanelProps) {
  const { conversationId, heldByMe, mayAct } = props;
  if (!mayAct) {
    return <HolderLine {...props} />;
  }
  return (
    <div className="space-y-4">
      <HolderLine {...props} />
      {heldByMe ? (
        <>
          <ReplyForm {...props} />
          <PaymentRequestForm {...props} />
          <HandBackForm {...props} />
        </>
      ) : props.ended ? null : props.handoffStatus === "assigned" ? (
        // Someone else holds it: only a reassignment (owners, admins) moves it.
        props.reassignTo ? null : (
          <p className="text-xs text-slate-600">
            Only an owner or admin can move this chat to someone else.
          </p>
        )
      ) : (
        <TakeOver conversationId={conversationId} />
      )}
      {props.reassignTo && props.handoffStatus === "assigned" && !props.ended ? (
        <ReassignForm
          // A new holder changes who can be chosen: start again from the new list.
          key={props.reassignTo.map((m) => m.userId).join(" ")}
          conversationId={conversationId}
          members={props.reassignTo}
        />
      ) : null}
    </div>
  );
}

function HolderLine({ handoffStatus, heldByMe, holderName, ended }: AgentPanelProps) {
  let badge: React.ReactNode;
  if (ended && handoffStatus !== "assigned") badge = <Badge tone="slate">Closed</Badge>;
  else if (handoffStatus === "assigned")
    badge = (
      <Badge tone="blue">
        {heldByMe ? "You hold this chat" : `Held by ${holderName ?? "a teammate"}`}
      </Badge>
    );
  else if (handoffStatus === "waiting") badge = <Badge tone="amber">Waiting for a person</Badge>;
  else badge = <Badge tone="green">The bot is answering</Badge>;
  return (
    <p className="flex flex-wrap items-center gap-2 text-sm" data-testid="agent-holder">
      {badge}
      {heldByMe ? (
        <span className="text-slate-600">The bot stays quiet until you hand it back.</span>
      ) : null}
    </p>
  );
}

function TakeOver({ conversationId }: { conversationId: string }) {
  const { pending, failure, run } = useAction();
  return (
    <div className="space-y-2">
      <Button
        type="button"
        disabled={pending}
        onClick={() =>
          run(
            () => takeOverAction({ conversationId }),
            () => "Taken",
          )
        }
      >
        {pending ? "Taking over…" : "Take over"}
      </Button>
      <p className="text-xs text-slate-500">
        The bot stops answering and the customer is told a person has joined.
      </p>
      <FormError message={failure?.error} />
    </div>
  );
}

function ReassignForm({
  conversationId,
  members,
}: {
  conversationId: string;
  members: { userId: string; name: string }[];
}) {
  const [assigneeUserId, setAssignee] = useState(members[0]?.userId ?? "");
  const { pending, failure, done, run } = useAction();
  if (members.length === 0)
    return (
      <p className="border-t border-slate-100 pt-4 text-sm text-slate-600">
        Nobody else on the team may take conversations over. Invite a support member under Team.
      </p>
    );
  return (
    <form
      className="space-y-2 border-t border-slate-100 pt-4"
      aria-label="Reassign"
      onSubmit={(event) => {
        event.preventDefault();
        run(
          () => reassignAction({ conversationId, assigneeUserId }),
          (data) => (data.changed ? "Reassigned" : "Already theirs"),
        );
      }}
    >
      <Field
        label="Reassign to"
        name="reassign-to"
        error={failure?.fieldErrors?.assigneeUserId}
        hint="They hold the chat from now on; the current holder can no longer reply."
      >
        <Select
          id="reassign-to"
          value={assigneeUserId}
          onChange={(e) => setAssignee(e.target.value)}
        >
          {members.map((member) => (
            <option key={member.userId} value={member.userId}>
              {member.name}
            </option>
          ))}
        </Select>
      </Field>
      <div className="flex items-center gap-3">
        <Button type="submit" variant="secondary" disabled={pending || !assigneeUserId}>
          {pending ? "Reassigning…" : "Reassign"}
        </Button>
        <span role="status" className="text-sm text-emerald-700">
          {done}
        </span>
      </div>
      {failure && !failure.fieldErrors?.assigneeUserId ? (
        <FormError message={failure.error} />
      ) : null}
    </form>
  );
}

function ReplyForm({
  conversationId,
  channelLabel,
  maxTextLength,
  windowClosesAt,
  hasWindow,
}: AgentPanelProps) {
  const [text, setText] = useState("");
  const [key, setKey] = useState(newKey);
  const { pending, failure, done, run } = useAction();
  const windowClosed = hasWindow && (!windowClosesAt || Date.parse(windowClosesAt) < Date.now());
  return (
    <form
      className="space-y-2"
      aria-label="Reply"
      onSubmit={(event) => {
        event.preventDefault();
        run(
          () => replyAction({ conversationId, text, requestKey: key }),
          (data) => {
            setText("");
            setKey(newKey());
            return data.delivery.status === "failed"
              ? `Saved, but ${channelLabel} refused it: ${data.delivery.error ?? "unknown error"}`
              : "Sent";
          },
        );
      }}
    >
      <Field
        label={`Reply on ${channelLabel}`}
        name="reply-text"
        error={failure?.fieldErrors?.text}
        hint={`${text.length} / ${maxTextLength} characters`}
      >
        <textarea
          id="reply-text"
          value={text}
          onChange={(e) => setText(e.target.value)}
          rows={3}
          maxLength={maxTextLength}
          className="block w-full rounded-md border-0 px-3 py-2 text-sm text-slate-900 ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-500"
        />
      </Field>
      {windowClosed ? (
        <p className="text-xs font-medium text-amber-800">
          {channelLabel} allows messages only within 24 hours of the customer&apos;s last message.
        </p>
      ) : null}
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={pending || text.trim().length === 0}>
          {pending ? "Sending…" : "Send reply"}
        </Button>
        <span role="status" className="text-sm text-emerald-700">
          {done}
        </span>
      </div>
      {failure && !failure.fieldErrors?.text ? <FormError message={failure.error} /> : null}
    </form>
  );
}

function PaymentRequestForm({ conversationId, payment }: AgentPanelProps) {
  const [key, setKey] = useState(newKey);
  const { pending, failure, done, run } = useAction();
  if (!payment) {
    return (
      <p className="text-sm text-slate-600">
        No active connection of this conversation&apos;s mode takes its flow&apos;s currency, so a
        payment request cannot be sent. Connect one under Connections.
      </p>
    );
  }
  const errors = failure?.fieldErrors ?? {};
  return (
    <form
      className="space-y-3 border-t border-slate-100 pt-4"
      aria-label="Payment request"
      onSubmit={(event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        const target = event.currentTarget;
        run(
          () =>
            requestPaymentAction({
              conversationId,
              amount: fieldText(form, "amount"),
              description: fieldText(form, "description"),
              methods: form.getAll("methods").map(String),
              expiresInMinutes: Number(form.get("expiresInMinutes")),
              requestKey: key,
            }),
          () => {
            target.reset();
            setKey(newKey());
            return "Payment request sent";
          },
        );
      }}
    >
      <h3 className="text-sm font-semibold">Send a payment request</h3>
      <p className="text-xs text-slate-500">
        Through {payment.connectionLabel}, in {payment.currency}. The link works once and expires.
      </p>
      <Field label={`Amount (${payment.currency})`} name="pr-amount" error={errors.amount}>
        <Input id="pr-amount" name="amount" inputMode="decimal" placeholder="12.50" required />
      </Field>
      <Field label="Description" name="pr-description" error={errors.description}>
        <Input
          id="pr-description"
          name="description"
          maxLength={300}
          placeholder="What it is for"
        />
      </Field>
      <fieldset className="space-y-1">
        <legend className="text-sm font-medium text-slate-700">Methods</legend>
        <div className="flex flex-wrap gap-3">
          {payment.methods.map((method) => (
            <label key={method} className="inline-flex items-center gap-1.5 text-sm">
              <input
                type="checkbox"
                name="methods"
                value={method}
                defaultChecked={method === "card"}
              />
              {METHOD_LABELS[method] ?? method}
            </label>
          ))}
        </div>
        {errors.methods ? (
          <p role="alert" className="text-xs font-medium text-red-700">
            {errors.methods[0]}
          </p>
        ) : null}
      </fieldset>
      <Field label="Link expires after" name="pr-expiry" error={errors.expiresInMinutes}>
        <Select id="pr-expiry" name="expiresInMinutes" defaultValue="60">
          {PAYMENT_REQUEST_EXPIRY_MINUTES.map((minutes) => (
            <option key={minutes} value={minutes}>
              {EXPIRY_LABELS[minutes]}
            </option>
          ))}
        </Select>
      </Field>
      <div className="flex items-center gap-3">
        <Button type="submit" variant="secondary" disabled={pending}>
          {pending ? "Sending…" : "Send payment request"}
        </Button>
        <span role="status" className="text-sm text-emerald-700">
          {done}
        </span>
      </div>
      {failure && Object.keys(errors).length === 0 ? <FormError message={failure.error} /> : null}
    </form>
  );
}

function HandBackForm({ conversationId, steps }: AgentPanelProps) {
  const [nodeId, setNodeId] = useState(steps[0]?.id ?? "");
  const back = useAction();
  const close = useAction();
  const pending = back.pending || close.pending;
  return (
    <div className="space-y-3 border-t border-slate-100 pt-4">
      <h3 className="text-sm font-semibold">Finish</h3>
      <Field label="Hand back to the bot at" name="hand-back-step">
        <Select id="hand-back-step" value={nodeId} onChange={(e) => setNodeId(e.target.value)}>
          {steps.map((step) => (
            <option key={step.id} value={step.id}>
              {step.label}
            </option>
          ))}
        </Select>
      </Field>
      <div className="flex flex-wrap gap-2">
        <Button
          type="button"
          variant="secondary"
          disabled={pending || !nodeId}
          onClick={() =>
            back.run(
              () => handBackAction({ conversationId, nodeId }),
              () => "Handed back",
            )
          }
        >
          {back.pending ? "Handing back…" : "Hand back to the bot"}
        </Button>
        <Button
          type="button"
          variant="danger"
          disabled={pending}
          onClick={() =>
            close.run(
              () => closeConversationAction({ conversationId }),
              () => "Closed",
            )
          }
        >
          {close.pending ? "Closing…" : "Close conversation"}
        </Button>
      </div>
      <FormError message={back.failure?.error ?? close.failure?.error} />
    </div>
  );
}
