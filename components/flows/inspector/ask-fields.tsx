"use client";

import { Field, Select } from "@/components/ui/field";
import { ASK_KINDS, type AskKind, isBuiltinVariable, type NodeOf } from "@/lib/flows/graph";
import { minorToMajorString } from "@/lib/money";
import { useDesigner } from "../designer/designer-context";
import { ChoicesEditor } from "./choices-editor";
import { LocalizedField, type Parsed, ValidatedInput } from "./fields";
import { parseVariableName } from "./node-fields";
import { parsePriceInput } from "./price";
import { useNodeEdit } from "./use-node-edit";

const KIND_LABELS: Record<AskKind, string> = {
  text: "Text",
  number: "Number",
  amount: "Amount of money",
  email: "Email address",
  phone: "Phone number",
  choice: "One of several options",
};

type Limit = number | undefined;

function parseLimit(kind: AskKind, currency: string): (text: string) => Parsed<Limit> {
  return (text) => {
    const trimmed = text.trim();
    if (trimmed === "") return { ok: true, value: undefined };
    if (kind === "amount") {
      const parsed = parsePriceInput(trimmed, currency, { allowZero: true });
      return parsed.ok ? { ok: true, value: parsed.minor } : parsed;
    }
    if (kind === "text") {
      return /^\d+$/.test(trimmed)
        ? { ok: true, value: Number(trimmed) }
        : { ok: false, message: "Enter a whole number of characters." };
    }
    return /^-?\d+(\.\d+)?$/.test(trimmed)
      ? { ok: true, value: Number(trimmed) }
      : { ok: false, message: "Enter a number." };
  };
}

export function AskFields({ node }: { node: NodeOf<"ask"> }) {
  const { graph } = useDesigner();
  const edit = useNodeEdit(node);
  const { kind, min, max } = node.data;
  const formatLimit = (value: Limit) =>
    value === undefined
      ? ""
      : kind === "amount"
        ? minorToMajorString(value, graph.currency)
        : String(value);
  const limitLabels =
    kind === "text"
      ? ["Shortest answer (characters)", "Longest answer (characters)"]
      : kind === "amount"
        ? [`Smallest amount (${graph.currency})`, `Largest amount (${graph.currency})`]
        : ["Smallest number", "Largest number"];
  return (
    <>
      <ValidatedInput
        id={`${node.id}-variable`}
        label="Store the answer in"
        hint="Use it in texts as {{name}}."
        value={node.data.variable}
        format={(v) => v}
        parse={(text) => {
          const parsed = parseVariableName(text);
          if (parsed.ok && isBuiltinVariable(parsed.value))
            return {
              ok: false,
              message: `Parley sets "${parsed.value}" itself; choose another name.`,
            };
          return parsed;
        }}
        onCommit={(variable) => edit({ variable }, "variable")}
      />
      <Field label="Expected answer" name={`${node.id}-kind`}>
        <Select
          name={`${node.id}-kind`}
          value={kind}
          onChange={(e) => {
            const next = e.target.value as AskKind;
            const keepsChoices = next === "choice" || next === "amount";
            edit({
              kind: next,
              min: undefined,
              max: undefined,
              choices: keepsChoices ? (node.data.choices ?? []) : undefined,
            });
          }}
        >
          {ASK_KINDS.map((k) => (
            <option key={k} value={k}>
              {KIND_LABELS[k]}
            </option>
          ))}
        </Select>
      </Field>
      <LocalizedField
        id={`${node.id}-prompt`}
        label="Question"
        multiline
        value={node.data.prompt}
        onChange={(prompt) => edit({ prompt }, "prompt")}
      />
      <LocalizedField
        id={`${node.id}-retry`}
        label="When the answer is not valid"
        optional
        value={node.data.retry}
        onChange={(retry) => edit({ retry }, "retry")}
      />
      {kind === "text" || kind === "number" || kind === "amount" ? (
        <div className="grid grid-cols-2 gap-3" key={kind}>
          <ValidatedInput
            id={`${node.id}-min`}
            label={limitLabels[0]}
            inputMode="decimal"
            value={min}
            format={formatLimit}
            parse={parseLimit(kind, graph.currency)}
            onCommit={(value) => edit({ min: value }, "min")}
          />
          <ValidatedInput
            id={`${node.id}-max`}
            label={limitLabels[1]}
            inputMode="decimal"
            value={max}
            format={formatLimit}
            parse={parseLimit(kind, graph.currency)}
            onCommit={(value) => edit({ max: value }, "max")}
          />
        </div>
      ) : null}
      {kind === "choice" || kind === "amount" ? (
        <ChoicesEditor
          nodeId={node.id}
          amounts={kind === "amount"}
          choices={node.data.choices ?? []}
          onChange={(choices, field) => edit({ choices }, field)}
        />
      ) : null}
    </>
  );
}
