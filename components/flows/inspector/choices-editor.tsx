"use client";

import { Button } from "@/components/ui/button";
import type { LocalizedText } from "@/lib/flows/graph";
import { useDesigner } from "../designer/designer-context";
import { LocalizedField, type Parsed, ValidatedInput } from "./fields";
import { parsePriceInput } from "./price";

export interface Choice {
  value: string;
  label: LocalizedText;
}

/**
 * Options for a choice question, or preset amounts for an amount question (their value is a
 * decimal in the flow currency, e.g. "10", which the runtime reads like a typed answer).
 */
export function ChoicesEditor({
  nodeId,
  choices,
  amounts,
  onChange,
}: {
  nodeId: string;
  choices: Choice[];
  amounts: boolean;
  onChange(next: Choice[], field?: string): void;
}) {
  const { graph } = useDesigner();
  const parseValue = (text: string): Parsed<string> => {
    const trimmed = text.trim();
    if (!trimmed) return { ok: false, message: "Enter a value." };
    if (trimmed.length > 100) return { ok: false, message: "Keep it under 100 characters." };
    if (amounts) {
      const price = parsePriceInput(trimmed, graph.currency);
      if (!price.ok) return { ok: false, message: price.message };
    }
    return { ok: true, value: trimmed };
  };
  const replace = (index: number, choice: Choice, field?: string) =>
    onChange(
      choices.map((c, i) => (i === index ? choice : c)),
      field ? `choices[${index}].${field}` : undefined,
    );
  return (
    <fieldset className="space-y-3">
      <legend className="text-sm font-medium text-slate-700">
        {amounts ? `Suggested amounts (${graph.currency})` : "Options"}
      </legend>
      {choices.length === 0 ? (
        <p className="text-xs text-slate-500">
          {amounts
            ? "None: the customer types an amount."
            : "Add the options the customer picks from."}
        </p>
      ) : null}
      <ol className="space-y-3">
        {choices.map((choice, index) => (
          <li key={index} className="space-y-2 rounded-md bg-slate-50 p-2 ring-1 ring-slate-200">
            <div className="flex items-end gap-2">
              <ValidatedInput
                className="flex-1"
                id={`${nodeId}-choice-${index}-value`}
                label={amounts ? `Amount ${index + 1}` : `Option ${index + 1} value`}
                inputMode={amounts ? "decimal" : undefined}
                value={choice.value}
                format={(v) => v}
                parse={parseValue}
                onCommit={(value) => replace(index, { ...choice, value }, "value")}
              />
              <Button
                type="button"
                variant="ghost"
                aria-label={`Remove ${amounts ? "amount" : "option"} ${index + 1}`}
                onClick={() => onChange(choices.filter((_, i) => i !== index))}
              >
                Remove
              </Button>
            </div>
            <LocalizedField
              id={`${nodeId}-choice-${index}-label`}
              label={`Option ${index + 1} label`}
              value={choice.label}
              onChange={(label) => replace(index, { ...choice, label }, "label")}
            />
          </li>
        ))}
      </ol>
      {choices.length < 20 ? (
        <Button
          type="button"
          variant="secondary"
          onClick={() =>
            onChange([
              ...choices,
              {
                value: amounts ? String(10 * (choices.length + 1)) : `option_${choices.length + 1}`,
                label: {},
              },
            ])
          }
        >
          {amounts ? "Add amount" : "Add option"}
        </Button>
      ) : null}
    </fieldset>
  );
}
