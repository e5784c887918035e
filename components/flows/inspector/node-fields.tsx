"use client";

import { Field, Input, Select } from "@/components/ui/field";
import {
  BUILTIN_VARIABLES,
  CONDITION_OPERATORS,
  type ConditionOperator,
  type FlowGraph,
  type NodeOf,
  VariableNameSchema,
} from "@/lib/flows/graph";
import { useDesigner } from "../designer/designer-context";
import { LocalizedField, type Parsed, parseWholeNumber, ValidatedInput } from "./fields";
import { useNodeEdit } from "./use-node-edit";

const MONTH_MINUTES = 60 * 24 * 31;

export function parseVariableName(text: string): Parsed<string> {
  const parsed = VariableNameSchema.safeParse(text.trim());
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, message: parsed.error.issues[0]?.message ?? "Not a valid name." };
}

/** Every variable a flow can read: its inputs, its questions' answers and Parley's own. */
export function knownVariables(graph: FlowGraph): string[] {
  const names = new Set<string>(graph.inputs.map((i) => i.name));
  for (const node of graph.nodes) if (node.type === "ask") names.add(node.data.variable);
  for (const name of BUILTIN_VARIABLES) names.add(name);
  return [...names];
}

export function TextNodeFields({ node }: { node: NodeOf<"message"> | NodeOf<"receipt"> }) {
  const edit = useNodeEdit(node);
  return (
    <LocalizedField
      id={`${node.id}-text`}
      label="Text"
      multiline
      value={node.data.text}
      onChange={(text) => edit({ text }, "text")}
    />
  );
}

export function ClosingNodeFields({ node }: { node: NodeOf<"handoff"> | NodeOf<"end"> }) {
  const edit = useNodeEdit(node);
  return (
    <LocalizedField
      id={`${node.id}-text`}
      label={node.type === "handoff" ? "Message before handing off" : "Goodbye message"}
      optional
      multiline
      value={node.data.text}
      onChange={(text) => edit({ text }, "text")}
    />
  );
}

export function WaitPaymentFields({ node }: { node: NodeOf<"wait_payment"> }) {
  const edit = useNodeEdit(node);
  return (
    <ValidatedInput
      id={`${node.id}-timeout`}
      label="Wait up to (minutes)"
      hint="Then the Expired output is taken."
      inputMode="numeric"
      value={node.data.timeoutMinutes}
      format={(n) => String(n)}
      parse={parseWholeNumber(1, MONTH_MINUTES)}
      onCommit={(timeoutMinutes) => edit({ timeoutMinutes }, "timeout")}
    />
  );
}

export function ReminderFields({ node }: { node: NodeOf<"reminder"> }) {
  const edit = useNodeEdit(node);
  return (
    <>
      <div className="grid grid-cols-2 gap-3">
        <ValidatedInput
          id={`${node.id}-after`}
          label="Remind after (minutes)"
          inputMode="numeric"
          value={node.data.afterMinutes}
          format={(n) => String(n)}
          parse={parseWholeNumber(1, MONTH_MINUTES)}
          onCommit={(afterMinutes) => edit({ afterMinutes }, "after")}
        />
        <ValidatedInput
          id={`${node.id}-times`}
          label="At most (times)"
          inputMode="numeric"
          value={node.data.maxTimes}
          format={(n) => String(n)}
          parse={parseWholeNumber(0, 10)}
          onCommit={(maxTimes) => edit({ maxTimes }, "times")}
        />
      </div>
      <LocalizedField
        id={`${node.id}-text`}
        label="Reminder text"
        multiline
        value={node.data.text}
        onChange={(text) => edit({ text }, "text")}
      />
      <QuietHoursFields node={node} />
    </>
  );
}

const CLOCK_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const parseClock = (text: string): Parsed<string> =>
  CLOCK_TIME.test(text.trim())
    ? { ok: true, value: text.trim() }
    : { ok: false, message: "A time like 21:00" };

/** Reminders due in these hours (your business's time zone) wait until they end. */
function QuietHoursFields({ node }: { node: NodeOf<"reminder"> }) {
  const edit = useNodeEdit(node);
  const quiet = node.data.quietHours;
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-slate-700">Quiet hours</legend>
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          checked={quiet !== undefined}
          onChange={(e) =>
            edit({ quietHours: e.target.checked ? { start: "21:00", end: "08:00" } : undefined })
          }
        />
        Hold reminders overnight (your business&apos;s time zone); they go out when quiet hours end
      </label>
      {quiet ? (
        <div className="grid grid-cols-2 gap-3">
          <ValidatedInput
            id={`${node.id}-quiet-start`}
            label="From"
            value={quiet.start}
            format={(t) => t}
            parse={parseClock}
            onCommit={(start) => edit({ quietHours: { ...quiet, start } }, "quiet-start")}
          />
          <ValidatedInput
            id={`${node.id}-quiet-end`}
            label="Until"
            value={quiet.end}
            format={(t) => t}
            parse={parseClock}
            onCommit={(end) => edit({ quietHours: { ...quiet, end } }, "quiet-end")}
          />
        </div>
      ) : null}
    </fieldset>
  );
}

const OPERATOR_LABELS: Record<ConditionOperator, string> = {
  eq: "equals",
  neq: "is not",
  gt: "is greater than",
  lt: "is less than",
  contains: "contains",
  set: "is set",
};

export function ConditionFields({ node }: { node: NodeOf<"condition"> }) {
  const { graph } = useDesigner();
  const edit = useNodeEdit(node);
  const { operator, value } = node.data;
  const listId = `${node.id}-variables`;
  return (
    <>
      <ValidatedInput
        id={`${node.id}-variable`}
        label="Variable"
        value={node.data.variable}
        format={(v) => v}
        parse={parseVariableName}
        list={listId}
        onCommit={(variable) => edit({ variable }, "variable")}
      />
      <datalist id={listId}>
        {knownVariables(graph).map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
      <Field label="Test" name={`${node.id}-operator`}>
        <Select
          name={`${node.id}-operator`}
          value={operator}
          onChange={(e) => {
            const next = e.target.value as ConditionOperator;
            edit({ operator: next, value: next === "set" ? undefined : (value ?? "") });
          }}
        >
          {CONDITION_OPERATORS.map((op) => (
            <option key={op} value={op}>
              {OPERATOR_LABELS[op]}
            </option>
          ))}
        </Select>
      </Field>
      {operator === "set" ? null : (
        <Field
          label="Value"
          name={`${node.id}-value`}
          hint={operator === "gt" || operator === "lt" ? "Compared as a number." : undefined}
        >
          <Input
            name={`${node.id}-value`}
            value={String(value ?? "")}
            onChange={(e) => {
              const text = e.target.value;
              const numeric =
                (operator === "gt" || operator === "lt") && /^-?\d+(\.\d+)?$/.test(text.trim());
              edit({ value: numeric ? Number(text.trim()) : text }, "value");
            }}
          />
        </Field>
      )}
    </>
  );
}
