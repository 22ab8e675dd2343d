/** Command-line flags of `npm run bench` (scripts/bench.ts). */
export interface BenchOptions {
  tokens: number;
  /** Seconds per measured round of one scenario. */
  duration: number;
  connections: number;
  rounds: number;
  build: boolean;
  /** Seconds of unmeasured warm-up per scenario before the first round. */
  warmup: number;
  /** Sequential loads of the workspace-tokens page (0 skips it). */
  pageLoads: number;
  /** Keep the fresh PostgreSQL database / PGlite directory afterwards. */
  keep: boolean;
  /** Scenarios to run besides the baseline (default: all). */
  scenarios: string[];
  /** How many of the 1,000 hot tokens the load spreads over (diagnostics: 1 = every call hits the cache). */
  hotTokens: number;
  /** Also run me_rules/gpt_rules: the same calls with tokens carrying one guard rail of each kind (docs/contract.md §7). */
  rules: boolean;
  /** Paced rounds at this share of the baseline's saturation throughput (0 skips them). */
  pacedShare: number;
  /** Minutes of paced `me` calls, with p50/p99 per minute (0 skips the soak). */
  soakMinutes: number;
  /** Compare the gateway with Portkey's, in front of the same mock upstream. */
  peer: boolean;
}

export const SCENARIOS = ["me", "garbage401", "unknown401", "gpt", "me_flood"] as const;
export type Scenario = (typeof SCENARIOS)[number];

const USAGE = `Usage: npm run bench -- [options]

  --tokens N        tokens in the database (default 100000; at least 2000: 1,000 hot
                    workspace + 1,000 hot gateway tokens, acme filled up to 10,000)
  --duration S      seconds per measured round of each scenario (default 10)
  --connections C   concurrent connections (default 64)
  --rounds R        measured rounds: baseline/scenario interleaved R times (default 2)
  --warmup S        unmeasured warm-up seconds per scenario (default 3)
  --page-loads N    sequential loads of /o/acme/tokens/workspace (default 30; 0 skips)
  --only a,b        only these scenarios (${SCENARIOS.join(", ")}; me_flood: the me
                    calls while a second load generator sends unknown tokens on
                    FLOOD_CONNECTIONS more connections, reported against me)
  --hot-tokens K    spread the load over K of the 1,000 hot tokens (default 1000; a
                    diagnostic: with 1 nearly every call is answered from the cache)
  --rules           also run me_rules and gpt_rules, each right after me / gpt: the
                    same calls on 1,000 more hot tokens of each kind that carry one
                    guard rail of each kind (IP allowlist, rate limit; gateway tokens
                    also a model allowlist and a budget); reports them relative to
                    me / gpt in the same run
  --paced-share F   paced rounds (open loop, fixed rate) of baseline, me and gpt at F
                    times the baseline's closed-loop throughput (default 0.5; 0 skips)
  --soak M          then M minutes of paced me calls, p50/p99 per minute (default 0)
  --peer            then compare with Portkey's open-source gateway (@portkey-ai/gateway,
                    installed once into .bench-peer/), both in front of one mock
                    Anthropic upstream: throughput (closed loop) and latency added
                    over the mock (paced at half Portkey's throughput)
  --only none       no token scenarios (e.g. with --peer alone)
  --no-build        reuse the existing build in $KEYSMITH_DIST_DIR (default .next-bench)
  --keep            keep the benchmark database afterwards

PostgreSQL is used when DATABASE_URL or TEST_DATABASE_URL names a server (a fresh
database is created on it for the run and dropped afterwards); otherwise the
embedded PGlite in a temporary directory.`;

function positiveNumber(flag: string, raw: string | undefined): number {
  const n = Number(raw?.replace(/_/g, ""));
  if (!raw || !Number.isFinite(n) || n < 0) {
    throw new Error(`${flag} needs a non-negative number, got ${JSON.stringify(raw)}\n\n${USAGE}`);
  }
  return n;
}

export function parseArgs(argv: string[]): BenchOptions {
  const options: BenchOptions = {
    tokens: 100_000,
    duration: 10,
    connections: 64,
    rounds: 2,
    build: true,
    warmup: 3,
    pageLoads: 30,
    keep: false,
    scenarios: [...SCENARIOS],
    hotTokens: 1_000,
    rules: false,
    pacedShare: 0.5,
    soakMinutes: 0,
    peer: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case "--tokens":
        options.tokens = Math.floor(positiveNumber(flag, value()));
        break;
      case "--duration":
        options.duration = positiveNumber(flag, value());
        break;
      case "--connections":
        options.connections = Math.max(1, Math.floor(positiveNumber(flag, value())));
        break;
      case "--rounds":
        options.rounds = Math.max(1, Math.floor(positiveNumber(flag, value())));
        break;
      case "--warmup":
        options.warmup = positiveNumber(flag, value());
        break;
      case "--page-loads":
        options.pageLoads = Math.floor(positiveNumber(flag, value()));
        break;
      case "--only": {
        const raw = value() ?? "";
        if (raw === "none") {
          options.scenarios = [];
          options.pageLoads = 0;
          break;
        }
        const names = raw.split(",").map((s) => s.trim()).filter(Boolean);
        const unknown = names.filter((n) => !(SCENARIOS as readonly string[]).includes(n));
        if (unknown.length || names.length === 0) throw new Error(`--only: unknown scenario(s) ${unknown.join(", ")}\n\n${USAGE}`);
        options.scenarios = names;
        break;
      }
      case "--hot-tokens":
        options.hotTokens = Math.min(1_000, Math.max(1, Math.floor(positiveNumber(flag, value()))));
        break;
      case "--no-build":
        options.build = false;
        break;
      case "--rules":
        options.rules = true;
        break;
      case "--paced-share":
        options.pacedShare = Math.min(1, positiveNumber(flag, value()));
        break;
      case "--soak":
        options.soakMinutes = positiveNumber(flag, value());
        break;
      case "--peer":
        options.peer = true;
        break;
      case "--keep":
        options.keep = true;
        break;
      case "--help":
      case "-h":
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`Unknown option ${arg}\n\n${USAGE}`);
    }
  }
  if (options.tokens < 2_000) throw new Error(`--tokens must be at least 2000 (the 1,000 hot workspace and 1,000 hot gateway tokens)\n\n${USAGE}`);
  if (options.duration <= 0) throw new Error(`--duration must be positive\n\n${USAGE}`);
  return options;
}
