import { cn } from "@/components/ui/cn";

/** Use against a limit, as a labelled meter: "12,345 of 100,000 tokens (12%)". */
export function BudgetMeter({ used, limit, label, className }: { used: number; limit: number; label: string; className?: string }) {
  const share = limit > 0 ? used / limit : 0;
  const tone = share >= 1 ? "bg-red-600" : share >= 0.8 ? "bg-amber-500" : "bg-brand-600";
  const text = `${used.toLocaleString("en-US")} of ${limit.toLocaleString("en-US")} tokens (${Math.round(share * 100)}%)`;
  return (
    <div className={className}>
      <div className="flex items-baseline justify-between gap-2 text-xs">
        <span className="text-zinc-600">{label}</span>
        <span className="tabular-nums text-zinc-900">{text}</span>
      </div>
      <div
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={limit}
        aria-valuenow={Math.min(used, limit)}
        aria-valuetext={text}
        className="mt-1 h-2 overflow-hidden rounded-full bg-zinc-100"
      >
        <div className={cn("h-full rounded-full", tone)} style={{ width: `${Math.min(100, share * 100)}%` }} />
      </div>
    </div>
  );
}
