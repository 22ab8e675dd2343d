import type { ChartSeries } from "@/components/charts/chart";
import type { OutcomeCounts } from "@/lib/usage/series";

/** Calls by outcome, in the order they stack. */
export const OUTCOME_SERIES: Array<ChartSeries & { key: keyof OutcomeCounts }> = [
  { key: "succeeded", label: "Succeeded", color: "var(--chart-succeeded)" },
  { key: "denied", label: "Refused (403)", color: "var(--chart-denied)" },
  { key: "limited", label: "Rate-limited (429)", color: "var(--chart-limited)" },
  { key: "failed", label: "Other errors", color: "var(--chart-failed)" },
];

export function sumOutcomes(points: OutcomeCounts[]): OutcomeCounts & { total: number } {
  const t = { succeeded: 0, denied: 0, limited: 0, failed: 0 };
  for (const p of points) {
    t.succeeded += p.succeeded;
    t.denied += p.denied;
    t.limited += p.limited;
    t.failed += p.failed;
  }
  return { ...t, total: t.succeeded + t.denied + t.limited + t.failed };
}

export function percent(part: number, whole: number): string {
  if (whole === 0 || part === 0) return "0%";
  const p = (100 * part) / whole;
  return p > 0 && p < 0.1 ? "<0.1%" : `${p.toFixed(p < 10 ? 1 : 0)}%`;
}

/** "1,234 calls: 1,200 succeeded, 20 refused (403), 14 rate-limited (429), 0 other errors." */
export function outcomeSummary(t: OutcomeCounts & { total: number }, period: string): string {
  if (t.total === 0) return `No calls in ${period}.`;
  return `${t.total.toLocaleString("en-US")} ${t.total === 1 ? "call" : "calls"} in ${period}: ${t.succeeded.toLocaleString("en-US")} succeeded, ${t.denied.toLocaleString("en-US")} refused (403), ${t.limited.toLocaleString("en-US")} rate-limited (429), ${t.failed.toLocaleString("en-US")} other errors.`;
}

export const PERIOD_WORDS = { hour: "the last 48 hours", day: "the last 90 days" } as const;
