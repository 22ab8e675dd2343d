"use client";

/**
 * The drawing itself, on recharts: stacked bars (calls per bucket) or an area
 * (cumulative use), with an optional limit line (a budget). Loaded only by
 * pages that chart (./chart.tsx imports it with next/dynamic), so recharts stays
 * out of every other page's bundle.
 */
import { Area, AreaChart, Bar, BarChart, CartesianGrid, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ChartRow, PlotProps } from "./types";

const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });
const axisTick = { fontSize: 11, fill: "var(--chart-axis)" };

function TooltipBox({ active, payload, rows, series }: { active?: boolean; payload?: Array<{ payload: ChartRow }>; rows: ChartRow[]; series: PlotProps["series"] }) {
  const row = active ? payload?.[0]?.payload : undefined;
  if (!row || !rows.length) return null;
  return (
    <div className="rounded-md border border-zinc-200 bg-white px-3 py-2 text-xs shadow-md">
      <p className="font-medium text-zinc-900">{row.tip}</p>
      <ul className="mt-1 space-y-0.5">
        {series.map((s) => (
          <li key={s.key} className="flex items-center gap-2 text-zinc-700">
            <span aria-hidden className="inline-block size-2 rounded-sm" style={{ background: s.color }} />
            <span className="flex-1">{s.label}</span>
            <span className="tabular-nums text-zinc-900">{Number(row[s.key] ?? 0).toLocaleString("en-US")}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

export default function Plot({ rows, series, kind = "bars", height = 200, limit }: PlotProps) {
  const common = (
    <>
      <CartesianGrid vertical={false} stroke="var(--chart-grid)" />
      <XAxis dataKey="x" tick={axisTick} tickLine={false} axisLine={{ stroke: "var(--chart-grid)" }} interval="preserveStartEnd" minTickGap={24} />
      <YAxis
        tick={axisTick}
        tickLine={false}
        axisLine={false}
        width={44}
        allowDecimals={false}
        tickFormatter={(v: number) => compact.format(v)}
        domain={limit ? [0, (max: number) => Math.max(max, limit.value)] : [0, "auto"]}
      />
      <Tooltip cursor={{ fill: "var(--chart-grid)", fillOpacity: 0.5 }} content={<TooltipBox rows={rows} series={series} />} isAnimationActive={false} />
      {limit && (
        <ReferenceLine
          y={limit.value}
          stroke="var(--chart-budget)"
          strokeDasharray="4 3"
          label={{ value: limit.label, position: "insideTopRight", fontSize: 11, fill: "var(--chart-budget)" }}
        />
      )}
    </>
  );
  return (
    <ResponsiveContainer width="100%" height={height}>
      {kind === "area" ? (
        <AreaChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          {common}
          {series.map((s) => (
            <Area key={s.key} type="monotone" dataKey={s.key} stackId="1" stroke={s.color} fill={s.color} fillOpacity={0.25} isAnimationActive={false} />
          ))}
        </AreaChart>
      ) : (
        <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} barCategoryGap="15%">
          {common}
          {series.map((s, i) => (
            <Bar key={s.key} dataKey={s.key} stackId="1" fill={s.color} radius={i === series.length - 1 ? [2, 2, 0, 0] : 0} isAnimationActive={false} />
          ))}
        </BarChart>
      )}
    </ResponsiveContainer>
  );
}
