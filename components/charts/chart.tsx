"use client";

import dynamic from "next/dynamic";
import { useId, useState, type ReactNode } from "react";
import { cn } from "@/components/ui/cn";
import type { PlotProps } from "./types";

export type { ChartRow, ChartSeries } from "./types";

// recharts is loaded with the first chart a page draws, never with pages that do not chart.
const Plot = dynamic(() => import("./plot"), {
  ssr: false,
  loading: () => <div className="h-full w-full animate-pulse rounded-md bg-zinc-100" />,
});

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Axis and tooltip labels of a bucket starting at `iso` (UTC). */
export function bucketLabels(iso: string, granularity: "hour" | "day"): { x: string; tip: string } {
  const d = new Date(iso);
  const day = `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
  if (granularity === "day") return { x: day, tip: `${day} ${d.getUTCFullYear()} (UTC)` };
  const h = String(d.getUTCHours()).padStart(2, "0");
  const next = String((d.getUTCHours() + 1) % 24).padStart(2, "0");
  return { x: d.getUTCHours() === 0 ? day : `${h}:00`, tip: `${day}, ${h}:00–${next}:00 UTC` };
}

/**
 * A chart with its legend and an accessible alternative: the same figures as a
 * table, one switch away (and what a screen reader is pointed to). `summary` says
 * in words what the chart shows; the table lists buckets with any value.
 */
export function Chart({
  rows,
  series,
  kind,
  height = 200,
  limit,
  summary,
  caption,
  empty,
  testId,
}: PlotProps & {
  summary: string;
  /** The table's caption. */
  caption: string;
  /** Shown instead of an empty chart. */
  empty?: ReactNode;
  testId?: string;
}) {
  const [view, setView] = useState<"chart" | "table">("chart");
  const viewId = useId();
  const nonEmpty = rows.filter((r) => series.some((s) => Number(r[s.key]) > 0));
  return (
    <div data-testid={testId}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <ul className="flex flex-wrap gap-x-3 gap-y-1 text-xs text-zinc-600" aria-label="Legend">
          {series.map((s) => (
            <li key={s.key} className="flex items-center gap-1.5">
              <span aria-hidden className="inline-block size-2.5 rounded-sm" style={{ background: s.color }} />
              {s.label}
            </li>
          ))}
        </ul>
        <div role="group" aria-label="Show as" className="inline-flex rounded-md border border-zinc-200 p-0.5 text-xs">
          {(["chart", "table"] as const).map((v) => (
            <button
              key={v}
              type="button"
              aria-pressed={view === v}
              aria-controls={viewId}
              onClick={() => setView(v)}
              className={cn("rounded px-2 py-0.5 font-medium", view === v ? "bg-brand-600 text-white" : "text-zinc-600 hover:bg-zinc-100")}
            >
              {v === "chart" ? "Chart" : "Table"}
            </button>
          ))}
        </div>
      </div>
      <p className="sr-only">{summary}</p>
      <div id={viewId}>
        {view === "chart" ? (
          nonEmpty.length === 0 && empty ? (
            <div className="mt-3 flex items-center justify-center rounded-md border border-dashed border-zinc-200 text-sm text-zinc-500" style={{ height }}>
              {empty}
            </div>
          ) : (
            <div className="mt-3" style={{ height }} role="img" aria-label={summary}>
              <Plot rows={rows} series={series} kind={kind} height={height} limit={limit} />
            </div>
          )
        ) : (
          <div className="mt-3 max-h-72 overflow-auto rounded-md border border-zinc-200">
            <table className="w-full text-left text-xs">
              <caption className="sr-only">{caption}</caption>
              <thead className="sticky top-0 bg-zinc-50 text-zinc-500">
                <tr>
                  <th scope="col" className="px-2 py-2 font-medium sm:px-3">
                    Time
                  </th>
                  {series.map((s) => (
                    <th key={s.key} scope="col" className="px-2 py-2 text-right font-medium sm:px-3">
                      {s.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100">
                {nonEmpty.length === 0 ? (
                  <tr>
                    <td colSpan={series.length + 1} className="px-3 py-3 text-zinc-500">
                      Nothing recorded in this period.
                    </td>
                  </tr>
                ) : (
                  nonEmpty.map((r) => (
                    <tr key={r.tip}>
                      <th scope="row" className="whitespace-nowrap px-2 py-1.5 font-normal text-zinc-700 sm:px-3">
                        {r.tip}
                      </th>
                      {series.map((s) => (
                        <td key={s.key} className="px-2 py-1.5 text-right tabular-nums text-zinc-900 sm:px-3">
                          {Number(r[s.key] ?? 0).toLocaleString("en-US")}
                        </td>
                      ))}
                    </tr>
                  ))
                )}
              </tbody>
            </table>
            {nonEmpty.length > 0 && nonEmpty.length < rows.length && (
              <p className="border-t border-zinc-100 px-3 py-1.5 text-[11px] text-zinc-500">Periods with nothing recorded are left out.</p>
            )}
          </div>
        )}
      </div>
    </div>
  );
}

/** "48 hours" | "90 days" switch for a chart's period. */
export function PeriodSwitch({ value, onChange, label = "Period" }: { value: "hour" | "day"; onChange: (v: "hour" | "day") => void; label?: string }) {
  return (
    <div role="group" aria-label={label} className="inline-flex rounded-md border border-zinc-200 p-0.5 text-xs">
      {(["hour", "day"] as const).map((g) => (
        <button
          key={g}
          type="button"
          aria-pressed={value === g}
          onClick={() => onChange(g)}
          className={cn("rounded px-2 py-0.5 font-medium", value === g ? "bg-brand-600 text-white" : "text-zinc-600 hover:bg-zinc-100")}
        >
          {g === "hour" ? "48 hours" : "90 days"}
        </button>
      ))}
    </div>
  );
}
