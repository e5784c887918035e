type Json = Record<string, unknown> | null | undefined;

function show(value: unknown): string {
  if (value === undefined) return "—";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 48 ? `${text.slice(0, 47)}…` : text;
}

/** Only the keys that differ: "role: support → analyst"; creations and removals show one side. */
export function AuditDiff({ before, after }: { before: Json; after: Json }) {
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])].filter(
    (key) => JSON.stringify(before?.[key]) !== JSON.stringify(after?.[key]),
  );
  if (keys.length === 0) return <span className="text-slate-500">—</span>;
  return (
    <dl className="space-y-0.5 font-mono text-xs">
      {keys.map((key) => {
        const hasBefore = before != null && key in before;
        const hasAfter = after != null && key in after;
        return (
          <div key={key} className="flex flex-wrap gap-1">
            <dt className="text-slate-500">{key}:</dt>
            <dd>
              {hasBefore ? (
                <del className="text-red-700" aria-label={`before: ${show(before[key])}`}>
                  {show(before[key])}
                </del>
              ) : null}
              {hasBefore && hasAfter ? (
                <span aria-hidden className="mx-1 text-slate-400">
                  →
                </span>
              ) : null}
              {hasAfter ? (
                <ins
                  className="text-emerald-700 no-underline"
                  aria-label={`after: ${show(after[key])}`}
                >
                  {show(after[key])}
                </ins>
              ) : null}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}
