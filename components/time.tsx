/** A date shown in UTC (stable between server and browser), with the exact ISO time on hover. */
export function DateTime({ value }: { value: Date | string | null | undefined }) {
  if (!value) return <span className="text-zinc-400">—</span>;
  const d = new Date(value);
  const label = d.toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  return (
    <time dateTime={d.toISOString()} title={d.toISOString()}>
      {label}
    </time>
  );
}
