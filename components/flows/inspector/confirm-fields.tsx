"use client";

import { Field, Select } from "@/components/ui/field";
import { type NodeOf } from "@/lib/flows/graph";
import { useDesigner } from "../designer/designer-context";
import { LocalizedField } from "./fields";
import { useNodeEdit } from "./use-node-edit";

/** The confirmation step: which amount it shows (the pay node after it must charge the same). */
export function ConfirmFields({ node }: { node: NodeOf<"confirm"> }) {
  const { graph } = useDesigner();
  const edit = useNodeEdit(node);
  const { amountFrom, amountVariable } = node.data;
  const amountSources = [
    ...graph.inputs.filter((i) => i.kind === "amount").map((i) => i.name),
    ...graph.nodes.flatMap((n) =>
      n.type === "ask" && n.data.kind === "amount" ? [n.data.variable] : [],
    ),
  ];
  return (
    <>
      <p className="text-sm text-slate-600">
        The customer sees each item with its quantity, the total and your business name, then taps
        Confirm or Change. No checkout is created for an amount they did not confirm.
      </p>
      <fieldset className="space-y-1">
        <legend className="text-sm font-medium text-slate-700">What is confirmed</legend>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="radio"
            name={`${node.id}-amount-from`}
            checked={amountFrom === "cart"}
            onChange={() => edit({ amountFrom: "cart", amountVariable: undefined })}
          />
          The cart (items, quantities and total)
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="radio"
            name={`${node.id}-amount-from`}
            checked={amountFrom === "variable"}
            onChange={() =>
              edit({ amountFrom: "variable", amountVariable: amountVariable ?? amountSources[0] })
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
            amountSources.length === 0 ? "Add an Ask node expecting an amount first." : undefined
          }
        >
          <Select
            name={`${node.id}-amount-variable`}
            value={amountVariable ?? ""}
            onChange={(e) => edit({ amountVariable: e.target.value || undefined })}
          >
            <option value="">Choose…</option>
            {amountSources.map((name) => (
              <option key={name} value={name}>{`{{${name}}}`}</option>
            ))}
          </Select>
        </Field>
      ) : null}
      <LocalizedField
        id={`${node.id}-prompt`}
        label="Lead line"
        optional
        value={node.data.prompt}
        onChange={(prompt) => edit({ prompt }, "prompt")}
      />
      <LocalizedField
        id={`${node.id}-description`}
        label="What is paid for (optional, shown above the total)"
        optional
        value={node.data.description}
        onChange={(description) => edit({ description }, "description")}
      />
    </>
  );
}
