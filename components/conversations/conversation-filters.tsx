import { CHANNEL_LABELS } from "@/components/flows/node-meta";
import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/field";
import { CHANNEL_KINDS } from "@/lib/channels/platforms/types";
import type { FlowOption } from "@/lib/conversations/queries";
import { CONVERSATION_STATUSES } from "@/lib/flows/runtime/types";
import Link from "next/link";
import { CONVERSATION_STATUS_DISPLAY } from "./status-badge";

export interface ConversationFilterValues {
  flow?: string;
  status?: string;
  channel?: string;
  simulations?: boolean;
}

/** A plain GET form: filters live in the URL, so a flow's page can link straight to its list. */
export function ConversationFilters({
  values,
  flows,
}: {
  values: ConversationFilterValues;
  flows: FlowOption[];
}) {
  const filtered = Boolean(values.flow || values.status || values.channel || values.simulations);
  return (
    <form
      method="get"
      action="/conversations"
      className="mb-4 flex flex-wrap items-end gap-3"
      aria-label="Filter conversations"
    >
      <label className="text-sm">
        <span className="mb-1 block font-medium text-slate-700">Flow</span>
        <Select name="flow" defaultValue={values.flow ?? ""} className="w-56">
          <option value="">All flows</option>
          {flows.map((f) => (
            <option key={f.id} value={f.id}>
              {f.name}
            </option>
          ))}
        </Select>
      </label>
      <label className="text-sm">
        <span className="mb-1 block font-medium text-slate-700">Status</span>
        <Select name="status" defaultValue={values.status ?? ""} className="w-48">
          <option value="">All statuses</option>
          {CONVERSATION_STATUSES.map((s) => (
            <option key={s} value={s}>
              {CONVERSATION_STATUS_DISPLAY[s].label}
            </option>
          ))}
        </Select>
      </label>
      <label className="text-sm">
        <span className="mb-1 block font-medium text-slate-700">Channel</span>
        <Select name="channel" defaultValue={values.channel ?? ""} className="w-40">
          <option value="">All channels</option>
          {CHANNEL_KINDS.map((c) => (
            <option key={c} value={c}>
              {CHANNEL_LABELS[c]}
            </option>
          ))}
        </Select>
      </label>
      <label className="flex items-center gap-2 py-2 text-sm text-slate-700">
        <input
          type="checkbox"
          name="simulations"
          value="1"
          defaultChecked={values.simulations}
          className="h-4 w-4 rounded border-slate-300"
        />
        Include simulator tests
      </label>
      <Button type="submit" variant="secondary">
        Apply filters
      </Button>
      {filtered ? (
        <Link href="/conversations" className="py-2 text-sm text-brand-700 hover:underline">
          Clear
        </Link>
      ) : null}
    </form>
  );
}
