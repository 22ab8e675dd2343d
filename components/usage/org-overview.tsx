"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { bucketLabels, Chart, PeriodSwitch, type ChartRow } from "@/components/charts/chart";
import { RelativeTime } from "@/components/tokens/token-bits";
import { Badge, Card } from "@/components/ui/card";
import type { TokenKind } from "@/lib/generated/prisma/enums";
import { expiresInWords } from "@/lib/tokens/hygiene";
import { KINDS } from "@/lib/tokens/kinds";
import type { AttentionReason, Overview } from "@/lib/usage/console";
import type { Granularity } from "@/lib/usage/series";
import { OUTCOME_SERIES, percent, PERIOD_WORDS, sumOutcomes } from "./outcomes";

const KIND_COLORS: Record<TokenKind, string> = {
  WORKSPACE: "var(--chart-workspace)",
  GATEWAY: "var(--chart-gateway)",
  ORGANIZATION: "var(--chart-organization)",
};

const REASONS: Record<AttentionReason, { label: (n: number) => string; tone: "red" | "amber" | "zinc" }> = {
  expiring: { label: (n) => `${n} expire${n === 1 ? "s" : ""} within 7 days`, tone: "red" },
  beyond_policy: { label: (n) => `${n} beyond the lifetime policy`, tone: "red" },
  unused: { label: (n) => `${n} unused for 30+ days`, tone: "amber" },
  never_used: { label: (n) => `${n} never used (a week or older)`, tone: "zinc" },
};

/** The org overview: requests over time by kind, refusal rates, busiest tokens, tokens needing attention. */
export function OrgOverview({ orgSlug, initial }: { orgSlug: string; initial: Overview }) {
  const [granularity, setGranularity] = useState<Granularity>(initial.granularity);
  const { data, isError } = useQuery({
    queryKey: ["overview", orgSlug, granularity],
    queryFn: async (): Promise<Overview> => {
      const res = await fetch(`/api/console/${orgSlug}/overview?granularity=${granularity}`, { cache: "no-store" });
      if (!res.ok) throw new Error(`Could not load the overview (${res.status}).`);
      return res.json();
    },
    initialData: granularity === initial.granularity ? initial : undefined,
    placeholderData: keepPreviousData,
    refetchInterval: 15_000,
  });
  const view = data ?? initial;
  const period = PERIOD_WORDS[view.granularity];
  const byBucket = view.series.map((p) => {
    const row: ChartRow = { ...bucketLabels(p.start, view.granularity) };
    for (const k of view.kinds) row[k] = p[k].succeeded + p[k].denied + p[k].limited + p[k].failed;
    return row;
  });
  const all = view.series.flatMap((p) => view.kinds.map((k) => p[k]));
  const totals = sumOutcomes(all);
  const refusals: ChartRow[] = view.series.map((p) => {
    const t = sumOutcomes(view.kinds.map((k) => p[k]));
    return { ...bucketLabels(p.start, view.granularity), denied: t.denied, limited: t.limited, failed: t.failed };
  });
  const kindSeries = view.kinds.map((k) => ({ key: k, label: KINDS[k].label.replace(" token", " tokens"), color: KIND_COLORS[k] }));
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <dl className="flex flex-wrap gap-x-6 gap-y-1 text-sm">
          <div className="flex gap-1.5">
            <dt className="text-zinc-600">Active tokens</dt>
            <dd className="font-semibold tabular-nums text-zinc-900">{view.activeTokens.toLocaleString("en-US")}</dd>
          </div>
          <div className="flex gap-1.5">
            <dt className="text-zinc-600">Calls, {period}</dt>
            <dd className="font-semibold tabular-nums text-zinc-900" data-testid="overview-total">
              {totals.total.toLocaleString("en-US")}
            </dd>
          </div>
        </dl>
        <div className="flex items-center gap-2">
          {isError && <span className="text-xs text-red-700">Could not refresh.</span>}
          <PeriodSwitch value={granularity} onChange={setGranularity} label="Overview period" />
        </div>
      </div>

      <div className="grid gap-4 lg:grid-cols-3">
        <Card className="p-5 lg:col-span-2">
          <h2 className="text-sm font-semibold text-zinc-900">Requests by token kind</h2>
          <p className="mt-0.5 text-xs text-zinc-500">Every call of a known token, whatever its outcome, per {view.granularity} (UTC).</p>
          <div className="mt-3">
            <Chart
              rows={byBucket}
              series={kindSeries}
              summary={`${totals.total.toLocaleString("en-US")} calls in ${period}, by token kind.`}
              caption={`Calls per ${view.granularity} by token kind, ${period}`}
              empty={`No calls in ${period}.`}
              height={220}
              testId="overview-requests-chart"
            />
          </div>
        </Card>
        <Attention attention={view.attention} orgSlug={orgSlug} />
        <Card className="p-5">
          <h2 className="text-sm font-semibold text-zinc-900">Refusals</h2>
          <dl className="mt-3 grid grid-cols-3 gap-2 text-center">
            {OUTCOME_SERIES.slice(1).map((s) => (
              <div key={s.key} className="rounded-md bg-zinc-50 px-2 py-2">
                <dt className="text-[11px] leading-tight text-zinc-600">{s.label}</dt>
                <dd className="mt-1 text-lg font-semibold tabular-nums text-zinc-900" data-testid={`refusal-rate-${s.key}`}>
                  {percent(totals[s.key], totals.total)}
                </dd>
                <dd className="text-[11px] tabular-nums text-zinc-500">{totals[s.key].toLocaleString("en-US")}</dd>
              </div>
            ))}
          </dl>
          <div className="mt-4">
            <Chart
              rows={refusals}
              series={OUTCOME_SERIES.slice(1)}
              summary={`${(totals.denied + totals.limited + totals.failed).toLocaleString("en-US")} refused or failed calls in ${period}.`}
              caption={`Refused and failed calls per ${view.granularity}, ${period}`}
              empty="No refusals."
              height={120}
              testId="overview-refusals-chart"
            />
          </div>
        </Card>
        <Card className="p-5 lg:col-span-2">
          <h2 className="text-sm font-semibold text-zinc-900">Busiest tokens</h2>
          <p className="mt-0.5 text-xs text-zinc-500">Most calls in {period}, with the share each had refused.</p>
          {view.top.length === 0 ? (
            <p className="mt-4 text-sm text-zinc-500">No calls in {period}.</p>
          ) : (
            <div className="mt-3 overflow-x-auto">
              <table className="w-full text-left text-sm" data-testid="top-tokens">
                <caption className="sr-only">Busiest tokens, {period}</caption>
                <thead className="text-xs text-zinc-500">
                  <tr>
                    <th scope="col" className="py-2 pr-3 font-medium">Token</th>
                    <th scope="col" className="py-2 pr-3 font-medium max-sm:hidden">Kind</th>
                    <th scope="col" className="py-2 pr-3 text-right font-medium">Calls</th>
                    <th scope="col" className="py-2 text-right font-medium">Refused</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-zinc-100">
                  {view.top.map((t) => (
                    <tr key={t.id}>
                      <th scope="row" className="py-2 pr-3 font-normal">
                        <Link href={`/o/${orgSlug}/${KINDS[t.kind].path(t.gatewaySlug)}?token=${encodeURIComponent(t.id)}`} className="font-medium text-zinc-900 hover:text-brand-700 hover:underline">
                          {t.name}
                        </Link>
                        <span className="block font-mono text-xs text-zinc-500">{t.masked}</span>
                      </th>
                      <td className="py-2 pr-3 text-zinc-600 max-sm:hidden">{KINDS[t.kind].label}</td>
                      <td className="py-2 pr-3 text-right tabular-nums text-zinc-900">{t.total.toLocaleString("en-US")}</td>
                      <td className="py-2 text-right tabular-nums text-zinc-700">{percent(t.denied + t.limited, t.total)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
      </div>
    </div>
  );
}

function Attention({ attention, orgSlug }: { attention: Overview["attention"]; orgSlug: string }) {
  const [now] = useState(() => Date.now());
  const chips = (Object.keys(REASONS) as AttentionReason[]).filter((r) => attention.counts[r] > 0);
  return (
    <Card className="p-5">
      <h2 className="text-sm font-semibold text-zinc-900">Tokens needing attention</h2>
      {chips.length === 0 ? (
        <p className="mt-3 text-sm text-zinc-500">Nothing to do: no live token is expiring within a week, beyond the lifetime policy, or sitting unused.</p>
      ) : (
        <>
          <ul className="mt-3 flex flex-wrap gap-1.5" aria-label="Counts">
            {chips.map((r) => (
              <li key={r}>
                <Badge tone={REASONS[r].tone}>{REASONS[r].label(attention.counts[r])}</Badge>
              </li>
            ))}
          </ul>
          <ul className="mt-3 divide-y divide-zinc-100" data-testid="attention-tokens">
            {attention.tokens.map((t) => (
              <li key={t.id} className="py-2 text-sm">
                <Link href={`/o/${orgSlug}/${t.href}`} className="font-medium text-zinc-900 hover:text-brand-700 hover:underline">
                  {t.name}
                </Link>
                <span className="ml-1.5 text-xs text-zinc-500">{KINDS[t.kind].label}</span>
                <span className="block text-xs text-zinc-600">
                  {t.reason === "expiring" && t.expiresAt ? (
                    <span suppressHydrationWarning>{expiresInWords(t.expiresAt, now)}</span>
                  ) : t.reason === "beyond_policy" ? (
                    "Lifetime beyond the policy"
                  ) : t.reason === "unused" ? (
                    <>
                      Last used <RelativeTime iso={t.lastUsedAt} />
                    </>
                  ) : (
                    <>
                      Never used; created <RelativeTime iso={t.createdAt} />
                    </>
                  )}
                </span>
              </li>
            ))}
          </ul>
          <p className="mt-2 text-xs text-zinc-500">Every token list can be filtered by these (Show …).</p>
        </>
      )}
    </Card>
  );
}
