"use client";

import { ConfirmDialog } from "@/components/team/confirm-dialog";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/card";
import type { Mode } from "@/db/schema";
import { deleteAlertRuleAction, setAlertRuleEnabledAction } from "@/lib/alerts/actions";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { RuleForm, type RuleFormValues } from "./rule-form";

export interface RuleRow extends RuleFormValues {
  id: string;
  kindLabel: string;
  description: string;
}

/** The rules of the viewed mode: on/off, edit, delete, and a form to add one. */
export function RulesList({
  rules,
  mode,
  canManage,
}: {
  rules: RuleRow[];
  mode: Mode;
  canManage: boolean;
}) {
  const router = useRouter();
  const [editing, setEditing] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<RuleRow | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  const run = (action: () => Promise<{ ok: boolean; error?: string }>, after?: () => void) =>
    startTransition(async () => {
      setError(null);
      const result = await action();
      if (!result.ok) setError(result.error ?? "That did not work.");
      else {
        after?.();
        router.refresh();
      }
    });

  return (
    <div className="space-y-3">
      {error && !deleting ? (
        <p role="alert" className="text-sm font-medium text-red-700">
          {error}
        </p>
      ) : null}
      {rules.length === 0 ? (
        <EmptyState title={`No alert rules for ${mode} data`}>
          {canManage
            ? "Add a rule below: for example, a failure rate above 25% over 15 minutes."
            : "An owner or admin can add rules here."}
        </EmptyState>
      ) : (
        <ul aria-label="Alert rules" className="space-y-3">
          {rules.map((rule) =>
            editing === rule.id ? (
              <li key={rule.id}>
                <RuleForm
                  initial={rule}
                  prefix={`rule-${rule.id}`}
                  onDone={() => setEditing(null)}
                />
              </li>
            ) : (
              <li
                key={rule.id}
                className="flex flex-wrap items-start justify-between gap-3 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200"
              >
                <div className="min-w-0 space-y-1">
                  <div className="flex flex-wrap items-center gap-2">
                    <h3 className="font-medium text-slate-900">{rule.name}</h3>
                    {rule.enabled ? (
                      <Badge tone="green">On</Badge>
                    ) : (
                      <Badge tone="slate">Off</Badge>
                    )}
                  </div>
                  <p className="text-sm text-slate-600">{rule.description}</p>
                  <p className="text-xs text-slate-500">{rule.kindLabel}</p>
                </div>
                {canManage ? (
                  <div className="flex flex-wrap gap-2">
                    <Button
                      type="button"
                      variant="secondary"
                      className="py-1.5"
                      disabled={pending}
                      aria-label={`${rule.enabled ? "Turn off" : "Turn on"} ${rule.name}`}
                      onClick={() =>
                        run(() =>
                          setAlertRuleEnabledAction({ ruleId: rule.id, enabled: !rule.enabled }),
                        )
                      }
                    >
                      {rule.enabled ? "Turn off" : "Turn on"}
                    </Button>
                    <Button
                      type="button"
                      variant="secondary"
                      className="py-1.5"
                      aria-label={`Edit ${rule.name}`}
                      onClick={() => setEditing(rule.id)}
                    >
                      Edit
                    </Button>
                    <Button
                      type="button"
                      variant="ghost"
                      className="py-1.5 text-red-700 hover:bg-red-50"
                      aria-label={`Delete ${rule.name}`}
                      onClick={() => {
                        setError(null);
                        setDeleting(rule);
                      }}
                    >
                      Delete
                    </Button>
                  </div>
                ) : null}
              </li>
            ),
          )}
        </ul>
      )}
      {canManage ? (
        editing === "new" ? (
          <RuleForm
            prefix="rule-new"
            initial={{ name: "", kind: "failure_rate", mode, enabled: true, config: {} }}
            onDone={() => setEditing(null)}
          />
        ) : (
          <Button type="button" variant="secondary" onClick={() => setEditing("new")}>
            Add a rule
          </Button>
        )
      ) : null}
      <ConfirmDialog
        open={deleting !== null}
        title="Delete this rule?"
        confirmLabel="Delete rule"
        pending={pending}
        error={error}
        onClose={() => setDeleting(null)}
        onConfirm={() =>
          deleting &&
          run(
            () => deleteAlertRuleAction({ ruleId: deleting.id }),
            () => setDeleting(null),
          )
        }
      >
        {deleting ? (
          <>
            <span className="font-medium text-slate-800">{deleting.name}</span> stops being
            evaluated and its open alerts are resolved. The change is in the audit log.
          </>
        ) : null}
      </ConfirmDialog>
    </div>
  );
}
