/** Aggregates measured segments per scenario and prints the table and the `name: value` lines. */
import type { LatencySummary, MeasuredSegment, SegmentScenario } from "./types";

export interface ScenarioSummary {
  scenario: SegmentScenario;
  rounds: number;
  responses: number;
  rps: number;
  latency: LatencySummary;
  /** Responses with an unexpected status, plus connection errors and timeouts. */
  errors: number;
  unexpected: Record<string, number>;
  /** Mean over rounds of rps / mean(rps of the baseline rounds right before and after). */
  ratio: number;
  ratios: number[];
  serverCpuPct: number;
  loadgenCpuPct: number;
  machineBusyPct: number;
  postgresCpuPct: number;
  otherCpuPct: number;
  /**
   * CPU milliseconds the server (and postgres) spent per response: unlike
   * throughput, hardly moved by other processes competing for the cores.
   */
  serverCpuMsPerRequest: number;
  postgresCpuMsPerRequest: number;
  /** 2xx responses, warm-up included (what the usage counters must add up to). */
  ok2xxAll: number;
  /** Requests whose answer never arrived (timeouts, connection errors), warm-up included: the server may have counted them. */
  lostAll: number;
}

function decode(base64: string): Float32Array {
  const buf = Buffer.from(base64, "base64");
  return new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
}

export function latencyOf(segments: MeasuredSegment[]): LatencySummary {
  const total = segments.reduce((a, s) => a + s.responses, 0);
  const all = new Float64Array(total);
  let i = 0;
  for (const s of segments) for (const v of decode(s.latencies)) all[i++] = v;
  all.sort();
  const at = (p: number) => (all.length ? all[Math.min(all.length - 1, Math.max(0, Math.ceil((p / 100) * all.length) - 1))] : Number.NaN);
  let sum = 0;
  for (const v of all) sum += v;
  return { p50: at(50), p90: at(90), p99: at(99), mean: all.length ? sum / all.length : Number.NaN, max: all.length ? all[all.length - 1] : Number.NaN };
}

export function expectedStatus(scenario: SegmentScenario): (status: number) => boolean {
  if (scenario === "garbage401") return (s) => s === 401;
  // Past the per-address budget of lookups that find nothing, unknown tokens get 429 (lib/tokens/unknown-tokens.ts).
  if (scenario === "unknown401") return (s) => s === 401 || s === 429;
  return (s) => s >= 200 && s < 300;
}

function count2xx(s: MeasuredSegment): number {
  return Object.entries(s.status).reduce((a, [code, n]) => (Number(code) >= 200 && Number(code) < 300 ? a + n : a), 0);
}

export function summarize(sequence: MeasuredSegment[], scenarios: SegmentScenario[]): ScenarioSummary[] {
  const measured = sequence.filter((s) => !s.warmup);
  return scenarios.map((scenario) => {
    const segs = measured.filter((s) => s.scenario === scenario);
    const ok = expectedStatus(scenario);
    const unexpected: Record<string, number> = {};
    let errors = 0;
    for (const s of segs) {
      for (const [code, n] of Object.entries(s.status)) {
        if (!ok(Number(code))) {
          unexpected[code] = (unexpected[code] ?? 0) + n;
          errors += n;
        }
      }
      errors += s.errors + s.timeouts;
      if (s.errors) unexpected.connection_errors = (unexpected.connection_errors ?? 0) + s.errors;
      if (s.timeouts) unexpected.timeouts = (unexpected.timeouts ?? 0) + s.timeouts;
    }
    // Ratio against the baseline segments adjacent to each of this scenario's segments.
    const ratios: number[] = [];
    if (scenario !== "baseline") {
      for (const s of segs) {
        const k = measured.indexOf(s);
        const around = [measured[k - 1], measured[k + 1]].filter((b) => b && b.scenario === "baseline");
        if (around.length) ratios.push(s.rps / (around.reduce((a, b) => a + b.rps, 0) / around.length));
      }
    }
    const elapsed = segs.reduce((a, s) => a + s.elapsedSec, 0);
    const responses = segs.reduce((a, s) => a + s.responses, 0);
    const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
    return {
      scenario,
      rounds: segs.length,
      responses,
      rps: responses / elapsed,
      latency: latencyOf(segs),
      errors,
      unexpected,
      ratio: scenario === "baseline" ? 1 : mean(ratios),
      ratios,
      serverCpuPct: mean(segs.map((s) => s.serverCpuPct)),
      loadgenCpuPct: mean(segs.map((s) => s.loadgenCpuPct)),
      machineBusyPct: mean(segs.map((s) => s.machineBusyPct)),
      postgresCpuPct: mean(segs.map((s) => s.postgresCpuPct)),
      otherCpuPct: mean(segs.map((s) => s.otherCpuPct)),
      serverCpuMsPerRequest: (1000 * segs.reduce((a, s) => a + s.serverCpuSeconds, 0)) / responses,
      postgresCpuMsPerRequest: (1000 * segs.reduce((a, s) => a + s.postgresCpuSeconds, 0)) / responses,
      ok2xxAll: sequence.filter((s) => s.scenario === scenario).reduce((a, s) => a + count2xx(s), 0),
      lostAll: sequence.filter((s) => s.scenario === scenario).reduce((a, s) => a + s.errors + s.timeouts, 0),
    };
  });
}

/** The middle value (mean of the middle two for an even count); NaN for none. */
export function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function fmt(n: number, digits = 2): string {
  return Number.isFinite(n) ? n.toFixed(digits) : "n/a";
}

export function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ")).join("\n");
}
