// The date range: preset links and a custom from–to form (plain GET, no script needed).
import { Button } from "@/components/ui/button";
import { RANGE_PRESETS, type DayRange } from "@/lib/analytics/range";
import Link from "next/link";

export function RangePicker({
  range,
  hrefFor,
  keep,
}: {
  range: DayRange;
  hrefFor: (params: Record<string, string | undefined>) => string;
  /** Other URL parameters to carry through the custom form. */
  keep: Record<string, string | undefined>;
}) {
  return (
    <div className="flex flex-wrap items-end gap-3">
      <nav aria-label="Date range presets" className="flex flex-wrap gap-1">
        {RANGE_PRESETS.map((p) => (
          <Link
            key={p}
            href={hrefFor({ range: p, from: undefined, to: undefined })}
            aria-current={range.preset === p ? "true" : undefined}
            className={`rounded-md px-3 py-1.5 text-sm font-medium ring-1 ring-slate-300 ${
              range.preset === p
                ? "bg-slate-800 text-white"
                : "bg-white text-slate-700 hover:bg-slate-50"
            }`}
          >
            {`Last ${p.replace("d", " days")}`}
          </Link>
        ))}
      </nav>
      <form
        method="get"
        action="/analytics"
        className="flex flex-wrap items-end gap-2"
        aria-label="Custom date range"
      >
        <input type="hidden" name="range" value="custom" />
        {Object.entries(keep).map(([k, v]) =>
          v ? <input key={k} type="hidden" name={k} value={v} /> : null,
        )}
        <label className="text-sm text-slate-700">
          From
          <input
            type="date"
            name="from"
            defaultValue={range.from}
            className="ml-1 rounded-md px-2 py-1 text-sm ring-1 ring-slate-300"
          />
        </label>
        <label className="text-sm text-slate-700">
          To
          <input
            type="date"
            name="to"
            defaultValue={range.to}
            className="ml-1 rounded-md px-2 py-1 text-sm ring-1 ring-slate-300"
          />
        </label>
        <Button type="submit" variant="secondary">
          Apply
        </Button>
      </form>
    </div>
  );
}
