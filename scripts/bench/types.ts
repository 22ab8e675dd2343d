/** Messages between the bench (scripts/bench/load.ts) and its load generator (scripts/bench/load-worker.ts). */
/**
 * `me_rules`/`gpt_rules`: the same calls as `me`/`gpt`, with tokens that carry guard rails (`--rules`).
 * `me_flood`: the `me` calls while a second load generator floods the server with unknown tokens.
 */
export type SegmentScenario =
  | "baseline"
  | "me"
  | "garbage401"
  | "unknown401"
  | "gpt"
  | "me_rules"
  | "gpt_rules"
  | "me_flood"
  /** --peer: the mock Anthropic upstream directly, through Portkey's gateway, and through a Keysmith gateway. */
  | "upstream"
  | "portkey"
  | "gpt_mock";

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
  /** Paced open loop at this many requests per second (else closed loop). */
  rate?: number;
  /** Paced: also report percentiles per bucket of this many seconds. */
  bucketSec?: number;
  /** --peer: Portkey's x-portkey-custom-host value (the mock upstream's /v1). */
  peer?: { customHost: string };
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
  /** Paced with bucketSec: percentiles per bucket of due time. */
  buckets?: Array<LatencySummary & { startSec: number; responses: number }>;
}

export interface MeasuredSegment extends SegmentResult {
  round: number;
  warmup: boolean;
  /** Sent at a fixed rate (open loop), not as fast as answers came back. */
  paced: boolean;
  /** Server process CPU seconds used during the segment, and as a share of one core. */
  serverCpuSeconds: number;
  serverCpuPct: number;
  postgresCpuSeconds: number;
  loadgenCpuPct: number;
  /** Whole-machine busy share (both cores; other processes included) during the segment. */
  machineBusyPct: number;
  /** CPU of all postgres processes, % of one core (0 for PGlite, which runs inside the server). */
  postgresCpuPct: number;
  /** --peer: CPU of the mock upstream process, % of one core. */
  upstreamCpuPct: number;
  /** CPU used by everything else on the machine (not the server, load generator or postgres), % of one core. */
  otherCpuPct: number;
  /** PostgreSQL only: the hash-index scan counter when the segment started. */
  lookupMark?: number;
}
