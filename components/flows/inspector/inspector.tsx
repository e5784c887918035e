"use client";

import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { removeNodes } from "@/lib/flows/canvas";
import type { FlowNode, Lang } from "@/lib/flows/graph";
import { hasTranslation } from "@/lib/flows/i18n";
import { textFields } from "@/lib/flows/runtime/graph-facts";
import type { FlowIssue } from "@/lib/flows/validate";
import { useDesigner } from "../designer/designer-context";
import { NODE_META } from "../node-meta";
import { AskFields } from "./ask-fields";
import { ConfirmFields } from "./confirm-fields";
import { LangTabs, LocalizedField } from "./fields";
import { ChooseMethodFields } from "./method-fields";
import { NextSteps } from "./next-steps";
import {
  ClosingNodeFields,
  ConditionFields,
  ReminderFields,
  TextNodeFields,
  WaitPaymentFields,
} from "./node-fields";
import { PayFields } from "./pay-fields";
import { ProductsEditor } from "./products-editor";
import { useNodeEdit } from "./use-node-edit";

/** Languages where this node shows a text the validator would call missing. */
export function missingLanguages(node: FlowNode, languages: readonly Lang[]): Set<Lang> {
  const missing = new Set<Lang>();
  for (const { text, optional } of textFields(node)) {
    const filled = languages.filter((l) => hasTranslation(text, l));
    if (optional && filled.length === 0) continue;
    for (const l of languages) if (!filled.includes(l)) missing.add(l);
  }
  return missing;
}

function TypeFields({ node }: { node: FlowNode }) {
  switch (node.type) {
    case "start":
      return (
        <p className="text-sm text-slate-600">
          Every conversation begins here. Connect it to the first step.
        </p>
      );
    case "message":
    case "receipt":
      return <TextNodeFields node={node} />;
    case "ask":
      return <AskFields node={node} />;
    case "product_choice":
      return <ProductChoiceFields node={node} />;
    case "choose_method":
      return <ChooseMethodFields node={node} />;
    case "confirm":
      return <ConfirmFields node={node} />;
    case "pay":
      return <PayFields node={node} />;
    case "wait_payment":
      return <WaitPaymentFields node={node} />;
    case "reminder":
      return <ReminderFields node={node} />;
    case "condition":
      return <ConditionFields node={node} />;
    case "handoff":
    case "end":
      return <ClosingNodeFields node={node} />;
  }
}

function ProductChoiceFields({ node }: { node: Extract<FlowNode, { type: "product_choice" }> }) {
  const edit = useNodeEdit(node);
  return (
    <>
      <LocalizedField
        id={`${node.id}-prompt`}
        label="Question"
        multiline
        value={node.data.prompt}
        onChange={(prompt) => edit({ prompt }, "prompt")}
      />
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          checked={node.data.allowMultiple}
          onChange={(e) => edit({ allowMultiple: e.target.checked })}
        />
        Customers can put several items in the cart
      </label>
      <ProductsEditor node={node} />
    </>
  );
}

export function NodeInspector({ node, issues }: { node: FlowNode; issues: readonly FlowIssue[] }) {
  const { graph, readOnly, update, selectNode, checkpoint } = useDesigner();
  const own = issues.filter((i) => i.nodeId === node.id);
  return (
    <section aria-label="Inspector" className="space-y-4">
      <header className="flex items-start justify-between gap-2">
        <div>
          <p className="text-xs font-semibold uppercase tracking-wide text-slate-500">
            {NODE_META[node.type].label}
          </p>
          <h2 className="font-mono text-sm text-slate-700">{node.id}</h2>
        </div>
        {!readOnly && node.type !== "start" ? (
          <Button
            type="button"
            variant="ghost"
            className="text-red-700"
            onClick={() => {
              update((g) => removeNodes(g, [node.id]));
              selectNode(null);
            }}
          >
            Delete node
          </Button>
        ) : null}
      </header>
      {own.length > 0 ? (
        <ul className="space-y-1" aria-label="Problems with this node">
          {own.map((issue, i) => (
            <li
              key={i}
              className={
                issue.severity === "error"
                  ? "rounded bg-red-50 px-2 py-1 text-xs text-red-800"
                  : "rounded bg-amber-50 px-2 py-1 text-xs text-amber-900"
              }
            >
              {issue.severity === "error" ? "Error: " : "Warning: "}
              {issue.message}
            </li>
          ))}
        </ul>
      ) : null}
      <LangTabs missing={missingLanguages(node, graph.languages)} />
      {/* A disabled fieldset makes every control read-only for roles that cannot edit. */}
      <fieldset disabled={readOnly} className="space-y-4">
        <Field
          label="Label on the canvas"
          name={`${node.id}-label`}
          hint="Optional; helps you tell steps apart."
        >
          <Input
            name={`${node.id}-label`}
            value={node.data.label ?? ""}
            maxLength={120}
            onBlur={checkpoint}
            onChange={(e) => {
              const label = e.target.value;
              update(
                (g) => ({
                  ...g,
                  nodes: g.nodes.map((n) => {
                    if (n.id !== node.id) return n;
                    const data: Record<string, unknown> = { ...n.data, label };
                    if (!label) delete data.label;
                    return { ...n, data } as FlowNode;
                  }),
                }),
                `edit:${node.id}:label`,
              );
            }}
          />
        </Field>
        <TypeFields node={node} />
        <NextSteps node={node} />
      </fieldset>
    </section>
  );
}
