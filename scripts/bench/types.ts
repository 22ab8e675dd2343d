/** Messages between the bench (scripts/bench/load.ts) and its load generator (scripts/bench/load-worker.ts). */
/**
 * `me_rules`/`gpt_rules`: the same calls as `me`/`gpt`, with tokens that carry guard rails (`--rules`).
 * `me_flood`: the `me` calls while a second load generator floods the server with unknown tokens.
 */
export type SegmentScenario = "baseline" | "me" | "garbage401" | "unknown401" | "gpt" | "me_rules" | "gpt_rules" | "me_flood";

export interface SegmentRequest {
  scenario: SegmentScenario;
  url: string;
  connections: number;
  durationSec: number;
  /** JSON file with the hot tokens' secrets ({ workspace: string[], gateway: string[] }). */
  tokenFile: string | null;
  orgSlug: string;
  gatewayModel: string;
  /** Use only the first K hot tokens. */
  hotTokens: number;
}

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  max: number;
}

export interface SegmentResult {
  scenario: SegmentScenario;
  /** Complete responses received (any status). */
  responses: number;
  /** Responses per status code. */
  status: Record<string, number>;
  /** Connection errors (not timeouts). */
  errors: number;
  timeouts: number;
  /** From the first request to the last response (the drain included). */
  elapsedSec: number;
  rps: number;
  /** Milliseconds, all responses. */
  latency: LatencySummary;
  loadgenCpuSeconds: number;
  /** Every response time (ms) as a base64 Float32Array, for percentiles over several segments. */
  latencies: string;
}

export interface MeasuredSegment extends SegmentResult {
  round: number;
  warmup: boolean;
  /** Server process CPU seconds used during the segment, and as a share of one core. */
  serverCpuSeconds: number;
  serverCpuPct: number;
  postgresCpuSeconds: number;
  loadgenCpuPct: number;
  /** Whole-machine busy share (both cores; other processes included) during the segment. */
  machineBusyPct: number;
  /** CPU of all postgres processes, % of one core (0 for PGlite, which runs inside the server). */
  postgresCpuPct: number;
  /** CPU used by everything else on the machine (not the server, load generator or postgres), % of one core. */
  otherCpuPct: number;
  /** PostgreSQL only: the hash-index scan counter when the segment started. */
  lookupMark?: number;
}
