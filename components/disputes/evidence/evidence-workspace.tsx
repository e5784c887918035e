"use client";

import { useStepUp } from "@/components/auth/step-up";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormError, Input } from "@/components/ui/field";
import type { DisputeResponseSupport } from "@/lib/connections/providers/types";
import {
  acceptDisputeAction,
  recheckDisputeResponseAction,
  saveEvidenceDraftAction,
  submitEvidenceAction,
} from "@/lib/disputes/evidence/actions";
import {
  EVIDENCE_FIELD_LABELS,
  evidenceFieldsSchema,
  type EvidenceFields,
} from "@/lib/disputes/evidence/schemas";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { EvidenceFiles, type EvidenceFileRow } from "./evidence-files";

const SHORT: (keyof EvidenceFields)[] = [
  "customerName",
  "customerEmail",
  "customerPurchaseIp",
  "serviceDate",
  "shippingCarrier",
  "shippingTrackingNumber",
  "shippingDate",
];

const GROUPS: { title: string; fields: (keyof EvidenceFields)[] }[] = [
  {
    title: "Product and customer",
    fields: ["productDescription", "customerName", "customerEmail", "customerPurchaseIp"],
  },
  { title: "Conversation and receipt", fields: ["customerCommunication", "receiptText"] },
  {
    title: "Service and shipping",
    fields: [
      "serviceDate",
      "serviceDocumentation",
      "shippingCarrier",
      "shippingTrackingNumber",
      "shippingDate",
    ],
  },
  {
    title: "Policies",
    fields: [
      "refundPolicy",
      "refundPolicyDisclosure",
      "cancellationPolicy",
      "cancellationPolicyDisclosure",
    ],
  },
  { title: "Other", fields: ["duplicateChargeExplanation", "uncategorizedText"] },
];

const CHECKLIST: Record<string, string[]> = {
  Stripe: [
    "Open the dispute in the Stripe Dashboard (Payments → Disputes)",
    "Choose “Counter dispute”, add the evidence and files",
    "Submit before the due date",
  ],
  PayPal: [
    "Open the case in PayPal's Resolution Center",
    "Choose “Provide information”, attach the evidence pack and files",
    "Respond while the case waits for the seller",
  ],
  Adyen: [
    "Open the dispute in the Adyen Customer Area (Disputes)",
    "Choose a defense reason and upload the defense documents (PDF, JPEG)",
    "Defend before the defense period ends",
  ],
  Sandbox: ["The Sandbox takes every step here: nothing to do elsewhere"],
};

export interface EvidenceWorkspaceProps {
  disputeId: string;
  disputeUpdatedAt: string;
  providerName: string;
  fields: EvidenceFields;
  prefilled: boolean;
  version: number;
  state: "draft" | "sending" | "unknown" | "submitted" | "accepted";
  lastError: string | null;
  stagedAt: string | null;
  respond: { ok: true } | { ok: false; message: string };
  support: DisputeResponseSupport;
  rulesText: string;
  canEdit: boolean;
  canDownload: boolean;
  files: EvidenceFileRow[];
}

export function EvidenceWorkspace(props: EvidenceWorkspaceProps) {
  const router = useRouter();
  const [fields, setFields] = useState(props.fields);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirmAccept, setConfirmAccept] = useState(false);
  const [pending, startTransition] = useTransition();
  const withStepUp = useStepUp();
  const locked = !props.canEdit || !props.respond.ok || props.state !== "draft";

  function validate(): boolean {
    const parsed = evidenceFieldsSchema.safeParse(fields);
    if (parsed.success) return true;
    const next: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0]);
      (next[key] ??= []).push(issue.message);
    }
    setErrors(next);
    setFormError("Please fix the highlighted fields.");
    return false;
  }

  function run(kind: "save" | "submit" | "accept" | "recheck") {
    setFormError(null);
    setNotice(null);
    if ((kind === "save" || kind === "submit") && !validate()) return;
    setErrors({});
    startTransition(async () => {
      const ref = {
        disputeId: props.disputeId,
        version: props.version,
        seenUpdatedAt: props.disputeUpdatedAt,
      };
      const result =
        kind === "save"
          ? await saveEvidenceDraftAction({ ...fields, ...ref })
          : kind === "submit"
            ? await submitEvidenceAction({ ...fields, ...ref })
            : kind === "accept"
              ? await withStepUp(() => acceptDisputeAction(ref))
              : await recheckDisputeResponseAction({ disputeId: props.disputeId });
      if (!result.ok) {
        setErrors(result.fieldErrors ?? {});
        setFormError(result.error);
        router.refresh();
        return;
      }
      setConfirmAccept(false);
      if (kind === "save") {
        const data = result.data as { staged: boolean; stageError: string | null };
        setNotice(
          data.staged
            ? `Draft saved and staged at ${props.providerName} (not submitted).`
            : data.stageError
              ? `Draft saved in Parley; ${props.providerName} did not take the staged copy: ${data.stageError}`
              : "Draft saved in Parley.",
        );
      }
      router.refresh();
    });
  }

  const set = (name: keyof EvidenceFields) => (value: string) =>
    setFields((f) => ({ ...f, [name]: value }));

  return (
    <div className="space-y-6">
      {props.state === "submitted" ? (
        <Card className="border-amber-200 bg-amber-50 p-4 text-sm text-amber-900" role="status">
          <strong>Under review.</strong> The evidence was submitted to {props.providerName} and is
          locked; the outcome will arrive from the provider.
        </Card>
      ) : null}
      {props.state === "accepted" ? (
        <Card className="p-4 text-sm" role="status">
          <strong>Accepted.</strong> The dispute was accepted at {props.providerName}; the customer
          keeps the money.
        </Card>
      ) : null}
      {props.state === "unknown" ? (
        <Card className="space-y-2 border-red-200 bg-red-50 p-4 text-sm text-red-900" role="status">
          <p>
            <strong>Outcome unknown.</strong> {props.providerName} did not answer the last request
            {props.lastError ? ` (${props.lastError})` : ""}. Nothing will be sent again until this
            is settled.
          </p>
          {props.canEdit && props.support.fetch ? (
            <Button variant="secondary" disabled={pending} onClick={() => run("recheck")}>
              Check with {props.providerName}
            </Button>
          ) : (
            <p>{props.providerName}&apos;s dispute notification will settle it.</p>
          )}
        </Card>
      ) : null}
      {props.state === "draft" && !props.respond.ok ? (
        <Card className="p-4 text-sm text-slate-700" role="status">
          {props.respond.message}
        </Card>
      ) : null}
      {props.state === "draft" && props.lastError ? (
        <FormError message={`Last attempt refused: ${props.lastError}`} />
      ) : null}

      <Card className="flex flex-wrap items-center justify-between gap-3 p-4 text-sm">
        <p className="text-slate-700">
          {props.prefilled
            ? "Pre-filled from the payment and the conversation. Check every field, then save or submit."
            : props.stagedAt
              ? `Draft saved and staged at ${props.providerName}.`
              : "Draft saved in Parley."}
        </p>
        {props.canDownload ? (
          <a
            href={`/api/disputes/${props.disputeId}/evidence/pack`}
            className="font-medium text-brand-700 hover:underline"
            download
          >
            Download evidence pack (PDF)
          </a>
        ) : (
          <span className="text-slate-500">Your role may not download customer data.</span>
        )}
      </Card>

      <form
        className="space-y-6"
        aria-label="Dispute evidence"
        onSubmit={(e) => {
          e.preventDefault();
          run("save");
        }}
      >
        <FormError message={formError} />
        {notice ? (
          <p role="status" className="text-sm text-emerald-700">
            {notice}
          </p>
        ) : null}
        {GROUPS.map((group) => (
          <Card key={group.title} className="space-y-4 p-4">
            <h2 className="text-base font-semibold text-slate-900">{group.title}</h2>
            <div className="grid gap-4 sm:grid-cols-2">
              {group.fields.map((name) => (
                <div key={name} className={SHORT.includes(name) ? "" : "sm:col-span-2"}>
                  <Field label={EVIDENCE_FIELD_LABELS[name]} name={name} error={errors[name]}>
                    {SHORT.includes(name) ? (
                      <Input
                        name={name}
                        value={fields[name]}
                        disabled={locked}
                        invalid={!!errors[name]}
                        type={
                          name.endsWith("Date")
                            ? "date"
                            : name === "customerEmail"
                              ? "email"
                              : "text"
                        }
                        onChange={(e) => set(name)(e.target.value)}
                      />
                    ) : (
                      <textarea
                        id={name}
                        name={name}
                        rows={name === "receiptText" || name === "customerCommunication" ? 5 : 3}
                        value={fields[name]}
                        disabled={locked}
                        aria-invalid={!!errors[name] || undefined}
                        aria-describedby={errors[name] ? `${name}-error` : undefined}
                        onChange={(e) => set(name)(e.target.value)}
                        className="block w-full rounded-md border-0 px-3 py-2 text-sm text-slate-900 ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-500 disabled:bg-slate-50"
                      />
                    )}
                  </Field>
                </div>
              ))}
            </div>
          </Card>
        ))}

        <EvidenceFiles
          disputeId={props.disputeId}
          files={props.files}
          locked={locked}
          canDownload={props.canDownload}
          rulesText={props.rulesText}
        />

        {!locked ? (
          <div className="flex flex-wrap gap-3">
            <Button type="submit" variant="secondary" disabled={pending}>
              {pending ? "Working…" : "Save draft"}
            </Button>
            <Button type="button" disabled={pending} onClick={() => run("submit")}>
              Submit evidence to {props.providerName}
            </Button>
            <Button
              type="button"
              variant="danger"
              disabled={pending}
              onClick={() => setConfirmAccept(true)}
            >
              Accept dispute
            </Button>
          </div>
        ) : null}
      </form>

      <Card className="space-y-2 p-4 text-sm">
        <h2 className="text-base font-semibold text-slate-900">
          In {props.providerName}&apos;s own dashboard instead
        </h2>
        <ol className="list-decimal space-y-1 pl-5 text-slate-700">
          {(CHECKLIST[props.providerName] ?? []).map((step) => (
            <li key={step}>{step}</li>
          ))}
        </ol>
        {!props.support.stage ? (
          <p className="text-slate-600">
            {props.providerName} keeps no draft: a saved draft stays in Parley until you submit.
          </p>
        ) : null}
      </Card>

      <Dialog
        open={confirmAccept}
        onClose={() => setConfirmAccept(false)}
        title="Accept this dispute?"
        size="md"
      >
        <p className="text-sm text-slate-700">
          Accepting tells {props.providerName} you will not contest it: the customer keeps the money
          and the evidence is discarded. <strong>This cannot be undone.</strong>
        </p>
        <FormError message={formError} />
        <div className="flex justify-end gap-3">
          <Button variant="secondary" onClick={() => setConfirmAccept(false)} autoFocus>
            Keep the dispute open
          </Button>
          <Button variant="danger" disabled={pending} onClick={() => run("accept")}>
            {pending ? "Accepting…" : "Accept dispute"}
          </Button>
        </div>
      </Dialog>
    </div>
  );
}
