"use client";

import { useQuery } from "@tanstack/react-query";
import { bucketLabels, Chart, type ChartRow } from "@/components/charts/chart";
import { Card } from "@/components/ui/card";
import type { GatewayBudgets } from "@/lib/usage/console";
import { BudgetMeter } from "./budget-meter";

const SERIES = [
  { key: "inputTokens", label: "Input tokens", color: "var(--chart-input)" },
  { key: "outputTokens", label: "Output tokens", color: "var(--chart-output)" },
];

/** The Developer Console's use this month: the gateway's model tokens day by day, and each budgeted token against its budget. */
export function GatewayUsage({ orgSlug, gatewaySlug, initial }: { orgSlug: string; gatewaySlug: string; initial: GatewayBudgets }) {
  const { data } = useQuery({
    queryKey: ["gateway-usage", orgSlug, gatewaySlug],
    queryFn: async (): Promise<GatewayBudgets> => {
      const res = await fetch(`/api/console/${orgSlug}/gateways/${encodeURIComponent(gatewaySlug)}/usage`, { cache: "no-store" });
      if (!res.ok) throw new Error(`Could not load usage (${res.status}).`);
      return res.json();
    },
    initialData: initial,
    refetchInterval: 10_000,
  });
  const rows: ChartRow[] = data.days.map((d) => ({ ...bucketLabels(d.start, "day"), inputTokens: d.inputTokens, outputTokens: d.outputTokens }));
  const month = new Date(data.monthStart).toLocaleDateString("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });
  return (
    <Card className="mt-4 p-5">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="text-sm font-semibold text-zinc-900">Usage in {month}</h2>
        <p className="text-sm text-zinc-600">
          <span className="font-semibold tabular-nums text-zinc-900" data-testid="gateway-month-tokens">
            {data.used.toLocaleString("en-US")}
          </span>{" "}
          model tokens so far (UTC month)
        </p>
      </div>
      <div className="mt-4 grid gap-6 lg:grid-cols-5">
        <div className="lg:col-span-3">
          <Chart
            rows={rows}
            series={SERIES}
            summary={`${data.used.toLocaleString("en-US")} model tokens used through this gateway's tokens in ${month}.`}
            caption={`Input and output tokens per day, ${month}`}
            empty="No model tokens this month."
            height={180}
            testId="gateway-usage-chart"
          />
        </div>
        <div className="lg:col-span-2">
          <h3 className="text-xs font-semibold uppercase tracking-wide text-zinc-500">Budgets</h3>
          {data.budgets.length === 0 ? (
            <p className="mt-2 text-sm text-zinc-500">No token of this gateway has a monthly budget. Set one under a token&apos;s guard rails.</p>
          ) : (
            <ul className="mt-2 space-y-3" data-testid="gateway-budgets">
              {data.budgets.map((b) => (
                <li key={b.id}>
                  <BudgetMeter used={b.used} limit={b.limit} label={b.name} />
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </Card>
  );
}
