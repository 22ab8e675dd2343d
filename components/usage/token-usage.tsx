"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { bucketLabels, Chart, PeriodSwitch, type ChartRow } from "@/components/charts/chart";
import type { TokenKind } from "@/lib/generated/prisma/enums";
import type { TokenUsage } from "@/lib/usage/console";
import type { Granularity } from "@/lib/usage/series";
import { BudgetMeter } from "./budget-meter";
import { OUTCOME_SERIES, outcomeSummary, percent, PERIOD_WORDS, sumOutcomes } from "./outcomes";

const TOKEN_SERIES = [
  { key: "inputTokens", label: "Input tokens", color: "var(--chart-input)" },
  { key: "outputTokens", label: "Output tokens", color: "var(--chart-output)" },
];

export const tokenUsageKey = (orgSlug: string, tokenId: string, granularity: Granularity) => ["token-usage", orgSlug, tokenId, granularity] as const;

/** The details panel's usage: calls by outcome over 48 hours or 90 days; for gateway tokens, model tokens and the monthly budget. */
export function TokenUsagePanel({ orgSlug, tokenId, kind }: { orgSlug: string; tokenId: string; kind: TokenKind }) {
  const [granularity, setGranularity] = useState<Granularity>("hour");
  const { data, isError } = useQuery({
    queryKey: tokenUsageKey(orgSlug, tokenId, granularity),
    queryFn: async (): Promise<TokenUsage> => {
      const res = await fetch(`/api/console/${orgSlug}/tokens/${encodeURIComponent(tokenId)}/usage?granularity=${granularity}`, { cache: "no-store" });
      if (!res.ok) throw new Error(`Could not load usage (${res.status}).`);
      return res.json();
    },
    refetchInterval: 10_000,
  });
  const period = PERIOD_WORDS[granularity];
  return (
    <section aria-labelledby={`usage-${tokenId}`} className="mt-6">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 id={`usage-${tokenId}`} className="text-sm font-semibold text-zinc-900">
          Usage
        </h3>
        <PeriodSwitch value={granularity} onChange={setGranularity} label="Usage period" />
      </div>
      {isError ? (
        <p role="alert" className="mt-2 text-sm text-red-700">
          Could not load usage. It will be retried.
        </p>
      ) : !data ? (
        <div className="mt-3 h-[232px] animate-pulse rounded-md bg-zinc-100" aria-label="Loading usage" />
      ) : (
        <UsageFigures data={data} kind={kind} period={period} />
      )}
    </section>
  );
}

function UsageFigures({ data, kind, period }: { data: TokenUsage; kind: TokenKind; period: string }) {
  const rows: ChartRow[] = data.points.map((p) => ({ ...bucketLabels(p.start, data.granularity), ...p }));
  const totals = sumOutcomes(data.points);
  const refused = totals.denied + totals.limited;
  return (
    <>
      <p className="mt-2 text-sm text-zinc-700" data-testid="usage-summary">
        <span className="font-medium tabular-nums text-zinc-900">{totals.total.toLocaleString("en-US")}</span> {totals.total === 1 ? "call" : "calls"} in {period}
        {totals.total > 0 && (
          <>
            {" "}
            · <span className="tabular-nums">{percent(refused, totals.total)}</span> refused
          </>
        )}
      </p>
      <div className="mt-2">
        <Chart
          rows={rows}
          series={OUTCOME_SERIES}
          summary={outcomeSummary(totals, period)}
          caption={`Calls per ${data.granularity} by outcome, ${period} (UTC)`}
          empty={`No calls in ${period}.`}
          testId="token-usage-chart"
        />
      </div>
      {kind === "GATEWAY" && <ModelUsage data={data} period={period} />}
    </>
  );
}

function ModelUsage({ data, period }: { data: TokenUsage; period: string }) {
  const byStart = new Map<string, { inputTokens: number; outputTokens: number }>();
  const byModel = new Map<string, { calls: number; inputTokens: number; outputTokens: number }>();
  for (const m of data.models) {
    const b = byStart.get(m.start) ?? { inputTokens: 0, outputTokens: 0 };
    b.inputTokens += m.inputTokens;
    b.outputTokens += m.outputTokens;
    byStart.set(m.start, b);
    const t = byModel.get(m.model) ?? { calls: 0, inputTokens: 0, outputTokens: 0 };
    t.calls += m.calls;
    t.inputTokens += m.inputTokens;
    t.outputTokens += m.outputTokens;
    byModel.set(m.model, t);
  }
  const rows: ChartRow[] = data.points.map((p) => ({ ...bucketLabels(p.start, data.granularity), inputTokens: 0, outputTokens: 0, ...byStart.get(p.start) }));
  const input = [...byModel.values()].reduce((n, m) => n + m.inputTokens, 0);
  const output = [...byModel.values()].reduce((n, m) => n + m.outputTokens, 0);
  return (
    <div className="mt-5">
      <h4 className="text-xs font-semibold uppercase tracking-wide text-zinc-500">Model tokens</h4>
      {data.budget && <BudgetMeter className="mt-2" used={data.budget.used} limit={data.budget.limit} label="Monthly budget, this month" />}
      <div className="mt-3">
        <Chart
          rows={rows}
          series={TOKEN_SERIES}
          summary={`${input.toLocaleString("en-US")} input and ${output.toLocaleString("en-US")} output tokens in ${period}.`}
          caption={`Model tokens per ${data.granularity}, ${period} (UTC)`}
          empty={`No model tokens in ${period}.`}
          height={160}
          testId="token-model-chart"
        />
      </div>
      {byModel.size > 0 && (
        <table className="mt-3 w-full text-left text-xs" data-testid="token-models">
          <caption className="sr-only">Model tokens by model, {period}</caption>
          <thead className="text-zinc-500">
            <tr>
              <th scope="col" className="py-1 font-medium">Model</th>
              <th scope="col" className="py-1 text-right font-medium">Calls</th>
              <th scope="col" className="py-1 text-right font-medium">Input</th>
              <th scope="col" className="py-1 text-right font-medium">Output</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {[...byModel].map(([model, t]) => (
              <tr key={model}>
                <th scope="row" className="py-1 font-mono font-normal text-zinc-800">{model}</th>
                <td className="py-1 text-right tabular-nums">{t.calls.toLocaleString("en-US")}</td>
                <td className="py-1 text-right tabular-nums">{t.inputTokens.toLocaleString("en-US")}</td>
                <td className="py-1 text-right tabular-nums">{t.outputTokens.toLocaleString("en-US")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
