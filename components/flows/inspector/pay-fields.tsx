"use client";

import { Field, Select } from "@/components/ui/field";
import { type NodeOf } from "@/lib/flows/graph";
import { useDesigner } from "../designer/designer-context";
import { LocalizedField, parseWholeNumber, ValidatedInput } from "./fields";
import { useNodeEdit } from "./use-node-edit";

const PROVIDER_NAMES = {
  sandbox: "Sandbox",
  stripe: "Stripe",
  paypal: "PayPal",
  adyen: "Adyen",
  coinbase: "Coinbase Commerce",
} as const;

export function PayFields({ node }: { node: NodeOf<"pay"> }) {
  const { graph, connections } = useDesigner();
  const edit = useNodeEdit(node);
  const { connectionId, amountFrom, amountVariable } = node.data;
  const active = connections.filter((c) => c.enabled);
  const chosen = connections.find((c) => c.id === connectionId);
  const amountSources = [
    ...graph.inputs
      .filter((i) => i.kind === "amount")
      .map((i) => ({ name: i.name, from: "set when the conversation starts" })),
    ...graph.nodes.flatMap((n) =>
      n.type === "ask" && n.data.kind === "amount"
        ? [{ name: n.data.variable, from: `answer to ${n.data.label || n.id}` }]
        : [],
    ),
  ];
  return (
    <>
      <Field
        label="Connection"
        name={`${node.id}-connection`}
        hint={
          active.length === 0
            ? "No active connection: add one on the Connections page."
            : chosen && !chosen.enabled
              ? "This connection is disabled."
              : undefined
        }
      >
        <Select
          name={`${node.id}-connection`}
          value={connectionId ?? ""}
          onChange={(e) => edit({ connectionId: e.target.value || undefined })}
        >
          <option value="">Any active connection that accepts {graph.currency}</option>
          {chosen && !chosen.enabled ? (
            <option value={chosen.id}>{chosen.label} (disabled)</option>
          ) : null}
          {active.map((c) => (
            <option
              key={c.id}
              value={c.id}
              disabled={!c.currencies.map((x) => x.toUpperCase()).includes(graph.currency)}
            >
              {c.label} · {PROVIDER_NAMES[c.provider]} {c.mode === "test" ? "(test)" : "(live)"}
              {c.currencies.map((x) => x.toUpperCase()).includes(graph.currency)
                ? ""
                : ` — no ${graph.currency}`}
            </option>
          ))}
        </Select>
      </Field>
      <fieldset className="space-y-1">
        <legend className="text-sm font-medium text-slate-700">Amount</legend>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="radio"
            name={`${node.id}-amount-from`}
            checked={amountFrom === "cart"}
            onChange={() => edit({ amountFrom: "cart", amountVariable: undefined })}
          />
          The cart total (from a product choice)
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="radio"
            name={`${node.id}-amount-from`}
            checked={amountFrom === "variable"}
            onChange={() =>
              edit({
                amountFrom: "variable",
                amountVariable: amountVariable ?? amountSources[0]?.name,
              })
            }
          />
          A validated amount
        </label>
      </fieldset>
      {amountFrom === "variable" ? (
        <Field
          label="Amount variable"
          name={`${node.id}-amount-variable`}
          hint={
            amountSources.length === 0
              ? "Add an Ask node expecting an amount of money first."
              : undefined
          }
        >
          <Select
            name={`${node.id}-amount-variable`}
            value={amountVariable ?? ""}
            onChange={(e) => edit({ amountVariable: e.target.value || undefined })}
          >
            <option value="">Choose…</option>
            {amountVariable && !amountSources.some((s) => s.name === amountVariable) ? (
              <option value={amountVariable}>{amountVariable} (not an amount)</option>
            ) : null}
            {amountSources.map((s) => (
              <option key={s.name} value={s.name}>
                {`{{${s.name}}}`} — {s.from}
              </option>
            ))}
          </Select>
        </Field>
      ) : null}
      <LocalizedField
        id={`${node.id}-description`}
        label="Description on the checkout"
        value={node.data.description}
        onChange={(description) => edit({ description }, "description")}
      />
      <ValidatedInput
        id={`${node.id}-expires`}
        label="Link valid for (minutes)"
        inputMode="numeric"
        value={node.data.expiresInMinutes}
        format={(n) => String(n)}
        parse={parseWholeNumber(1, 60 * 24 * 31)}
        onCommit={(expiresInMinutes) => edit({ expiresInMinutes }, "expires")}
      />
    </>
  );
}
