// A change against the previous period, in words and colour (never colour alone).
export function Delta({
  now,
  before,
  better = "up",
}: {
  now: number;
  before: number;
  better?: "up" | "down";
}) {
  if (before === 0 && now === 0)
    return <span className="text-xs text-slate-500">no change from the previous period</span>;
  if (before === 0)
    return <span className="text-xs text-slate-600">new this period (none before)</span>;
  const change = (now - before) / before;
  const pct = `${Math.abs(change * 100).toFixed(1)} %`;
  if (Math.abs(change) < 0.0005)
    return <span className="text-xs text-slate-500">no change from the previous period</span>;
  const up = change > 0;
  const good = up === (better === "up");
  return (
    <span className={`text-xs font-medium ${good ? "text-emerald-700" : "text-red-700"}`}>
      {up ? "▲ up" : "▼ down"} {pct} from the previous period
    </span>
  );
}
