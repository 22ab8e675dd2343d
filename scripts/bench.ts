/**
 * `npm run bench`: the token hot path under load, against the production build.
 *
 *   npm run bench -- [--tokens N] [--duration S] [--connections C] [--rounds R] [--no-build]
 *
 * 1. Builds into KEYSMITH_DIST_DIR (default .next-bench; never .next).
 * 2. Creates a fresh database (PostgreSQL when DATABASE_URL or TEST_DATABASE_URL
 *    names a server, else PGlite in a temp dir), migrates it, seeds org acme, and
 *    bulk-inserts N tokens: 1,000 hot workspace tokens and 1,000 hot gateway tokens
 *    (on an echo gateway) with known secrets, acme filled up to 10,000 workspace
 *    tokens, the rest in other orgs.
 * 3. Starts scripts/serve.ts on a free loopback port, times the console's
 *    workspace-tokens page (signed in as the admin), then runs autocannon from a
 *    separate process: baseline GET /api/health interleaved with each scenario
 *    (B S1 B S2 … B, R rounds), each scenario's throughput taken relative to the
 *    baseline rounds right next to it.
 * 4. Stops the server with SIGTERM (it flushes usage) and checks that the hot
 *    tokens' usage counts add up exactly to the 2xx responses autocannon received.
 *
 * Output ends with one `name: value` line per figure.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { parseArgs, type BenchOptions } from "./bench/args";
import { buildInto, hasBuild } from "./bench/build";
import {
  createBenchDatabase,
  GATEWAY_MODEL,
  hotUsage,
  openLookupProbe,
  seedBenchDatabase,
  serverBaseUrl,
  type BenchDatabase,
} from "./bench/database";
import { LoadGenerator, machineTimes, postgresCpu, postgresCpuDelta } from "./bench/load";
import { timeLookups, type LookupTiming } from "./bench/lookup";
import { signIn, timePage, type PageTiming } from "./bench/page";
import { expectedStatus, fmt, latencyOf, median, summarize, table, type ScenarioSummary } from "./bench/report";
import { PORTKEY_PACKAGE, startMockUpstream, startPortkey, type PeerProcess } from "./bench/peer";
import { keyringFrom, seal } from "@/lib/crypto/secret-box";
import { startServer, type ServerHandle } from "./bench/server";
import type { MeasuredSegment, SegmentScenario } from "./bench/types";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const ORG = "acme";
const ADMIN = { email: "admin@keysmith.local", password: `bench-${randomBytes(6).toString("hex")}` };

/** `me_flood`: connections of the second load generator that sends a fresh unknown token on every request. */
const FLOOD_CONNECTIONS = 64;

/** docs/performance.md, "Targets". */
const TARGETS = {
  /** Guard rails: throughput with rules at least this share of the same calls without. */
  rulesRelative: 0.95,
  meRatio: 0.95,
  gptRatio: 0.9,
  ratio401: 0.95,
  /** Paced at half the baseline's saturation: p50 and p99 added over /api/health. */
  pacedAddedMs: 1,
  /** The soak's worst minute p99 at most this many times the median minute's (plus 1 ms). */
  soakSpike: 2,
  pageP50Ms: 150,
};

function log(line = "") {
  process.stdout.write(`${line}\n`);
}

function machine() {
  const cpuinfo = (() => {
    try {
      return readFileSync("/proc/cpuinfo", "utf8");
    } catch {
      return "";
    }
  })();
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? "unknown";
  return {
    cores: os.availableParallelism(),
    model,
    memoryGiB: os.totalmem() / 2 ** 30,
    node: process.version,
    load: os.loadavg().map((l) => l.toFixed(2)).join(" "),
  };
}

type LookupProbe = Awaited<ReturnType<typeof openLookupProbe>>;

interface Cleanup {
  server?: ServerHandle;
  mock?: PeerProcess;
  portkey?: PeerProcess;
  load?: LoadGenerator;
  flood?: LoadGenerator;
  probe?: LookupProbe;
  database?: BenchDatabase;
  tmp?: string;
  keep: boolean;
}

async function cleanup(c: Cleanup) {
  await c.load?.close().catch(() => {});
  await c.flood?.close().catch(() => {});
  await c.probe?.close().catch(() => {});
  await c.server?.stop(15_000).catch(() => {});
  await c.portkey?.stop().catch(() => {});
  await c.mock?.stop().catch(() => {});
  if (c.tmp) rmSync(c.tmp, { recursive: true, force: true });
  if (c.database && !c.keep) await c.database.drop().catch((e: unknown) => log(`could not drop the bench database: ${String(e)}`));
  else if (c.database) log(`kept ${c.database.description}`);
}

/** What a segment sends its load to: the Keysmith server, or (--peer) Portkey's gateway or the mock upstream. */
interface Target {
  url: string;
  /** CPU seconds the process behind `url` has used so far. */
  cpuSeconds(): number;
  /** Throws if that process has died. */
  check(scenario: string): void;
}

interface SegmentContext {
  load: LoadGenerator;
  opts: BenchOptions;
  tokenFile: string;
  probe: LookupProbe;
  flood?: LoadGenerator;
  targets: Record<"keysmith" | "portkey" | "upstream", Target | undefined>;
  /** Pids whose CPU is reported apart from "others" (--peer: the mock upstream). */
  upstreamCpu?: () => number;
}

interface SegmentSpec {
  scenario: SegmentScenario;
  round: number;
  durationSec: number;
  warmup?: boolean;
  /** Paced open loop at this rate (req/s); closed loop when absent. */
  rate?: number;
  bucketSec?: number;
}

function targetOf(ctx: SegmentContext, scenario: SegmentScenario): Target {
  const name = scenario === "portkey" ? "portkey" : scenario === "upstream" ? "upstream" : "keysmith";
  const target = ctx.targets[name];
  if (!target) throw new Error(`no ${name} to send ${scenario} to`);
  return target;
}

async function runSegment(ctx: SegmentContext, spec: SegmentSpec): Promise<MeasuredSegment> {
  const { scenario, round, durationSec, warmup = false } = spec;
  const target = targetOf(ctx, scenario);
  const lookupMark = ctx.probe ? await ctx.probe.read() : undefined;
  const cpu0 = target.cpuSeconds();
  const up0 = ctx.upstreamCpu?.() ?? 0;
  const pg0 = postgresCpu();
  const m0 = machineTimes();
  const t0 = performance.now();
  const base = {
    url: target.url,
    durationSec,
    tokenFile: ctx.tokenFile,
    orgSlug: ORG,
    gatewayModel: GATEWAY_MODEL,
    hotTokens: ctx.opts.hotTokens,
    peer: ctx.targets.upstream ? { customHost: `${ctx.targets.upstream.url}/v1` } : undefined,
  };
  // The flood runs in its own process, beside the measured calls, for as long as they do.
  const flooding = scenario === "me_flood" && ctx.flood ? ctx.flood.run({ ...base, scenario: "unknown401", connections: FLOOD_CONNECTIONS }) : null;
  const result = await ctx.load.run({ ...base, scenario, connections: ctx.opts.connections, rate: spec.rate, bucketSec: spec.bucketSec });
  const floodResult = await flooding;
  const wall = (performance.now() - t0) / 1000;
  target.check(scenario);
  const cpu = target.cpuSeconds() - cpu0;
  const upstreamCpu = (ctx.upstreamCpu?.() ?? 0) - up0;
  const pgCpu = postgresCpuDelta(pg0, postgresCpu());
  const m1 = machineTimes();
  const machineBusySeconds = (m1.busy - m0.busy) / 100;
  const seg: MeasuredSegment = {
    ...result,
    round,
    warmup,
    paced: spec.rate !== undefined,
    serverCpuSeconds: cpu,
    postgresCpuSeconds: pgCpu,
    serverCpuPct: (100 * cpu) / wall,
    loadgenCpuPct: (100 * result.loadgenCpuSeconds) / wall,
    machineBusyPct: (100 * (m1.busy - m0.busy)) / (m1.total - m0.total),
    postgresCpuPct: (100 * pgCpu) / wall,
    upstreamCpuPct: (100 * upstreamCpu) / wall,
    otherCpuPct: Math.max(0, (100 * (machineBusySeconds - cpu - pgCpu - upstreamCpu - result.loadgenCpuSeconds)) / wall),
    lookupMark,
  };
  const codes = Object.entries(result.status)
    .map(([c, n]) => `${c}×${n}`)
    .join(" ");
  const floodCodes = floodResult
    ? `  flood ${fmt(floodResult.rps, 0)} req/s [${Object.entries(floodResult.status).map(([c, n]) => `${c}×${n}`).join(" ")}]`
    : "";
  const label = warmup ? "warm-up" : spec.rate ? `paced ${round}` : `round ${round}`;
  log(
    `  ${label.padEnd(8)} ${scenario.padEnd(10)} ${fmt(result.rps, 0).padStart(6)} req/s  p50 ${fmt(result.latency.p50)} ms  p99 ${fmt(result.latency.p99)} ms  [${codes}${
      result.errors ? ` errors×${result.errors}` : ""
    }${result.timeouts ? ` timeouts×${result.timeouts}` : ""}]  ${scenario === "portkey" ? "portkey" : scenario === "upstream" ? "mock" : "server"} CPU ${fmt(seg.serverCpuPct, 0)}%  load-gen ${fmt(
      seg.loadgenCpuPct,
      0,
    )}%  postgres ${fmt(seg.postgresCpuPct, 0)}%${ctx.upstreamCpu ? `  mock ${fmt(seg.upstreamCpuPct, 0)}%` : ""}  others ${fmt(seg.otherCpuPct, 0)}%${floodCodes}`,
  );
  return seg;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const distDir = process.env.KEYSMITH_DIST_DIR?.trim() || ".next-bench";
  const c: Cleanup = { keep: opts.keep };
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) process.exit(130);
    interrupted = true;
    log(`\n${signal}: cleaning up`);
    void cleanup(c).finally(() => process.exit(130));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const m = machine();
  log(`Keysmith benchmark`);
  log(`  machine: ${m.cores} cores, ${m.model}, ${fmt(m.memoryGiB, 1)} GiB, Node ${m.node}, load average ${m.load}`);
  log(`  tokens ${opts.tokens.toLocaleString("en-US")} (load over ${opts.hotTokens} hot ones), ${opts.connections} connections, ${opts.duration} s × ${opts.rounds} rounds per scenario, warm-up ${opts.warmup} s`);

  try {
    if (opts.build) {
      log(`building into ${distDir} …`);
      const secs = await buildInto(ROOT, distDir, log);
      log(`  built in ${fmt(secs, 0)} s`);
    } else if (!hasBuild(ROOT, distDir)) {
      throw new Error(`--no-build: there is no build in ${distDir} (no BUILD_ID). Run without --no-build, or set KEYSMITH_DIST_DIR.`);
    }

    // --peer: the mock upstream first, since the Keysmith gateway in front of it is seeded with its address.
    const serverSecret = `bench-${randomBytes(16).toString("hex")}`;
    let mock: PeerProcess | undefined;
    if (opts.peer) {
      mock = c.mock = await startMockUpstream(ROOT);
      log(`mock Anthropic upstream on ${mock.url} (pid ${mock.pid})`);
    }

    const database = (c.database = await createBenchDatabase(serverBaseUrl()));
    log(`database: ${database.description}`);
    log(`seeding ${opts.tokens.toLocaleString("en-US")} tokens …`);
    const mockUpstream = mock
      ? { baseUrl: mock.url, sealedKey: seal("mock-upstream-key", keyringFrom({ NEXTAUTH_SECRET: serverSecret })) }
      : undefined;
    const seed = await seedBenchDatabase(database, opts.tokens, ADMIN, log, { rules: opts.rules, mockUpstream });
    log(
      `  ${seed.total.toLocaleString("en-US")} tokens in ${fmt(seed.seconds, 1)} s: ${seed.acmeWorkspace.toLocaleString("en-US")} workspace + ${(
        seed.tokens.gateway.length +
        seed.tokens.gatewayRules.length +
        seed.tokens.mockGateway.length
      ).toLocaleString("en-US")} gateway in acme, ${seed.otherOrgs.toLocaleString("en-US")} in other orgs`,
    );
    const lookup = await timeLookups(database, seed.tokens);
    log(
      `token lookup without the cache (verifyToken, sequential, ${lookup.calls} calls on hot tokens): p50 ${fmt(lookup.p50, 3)} ms, p99 ${fmt(lookup.p99, 3)} ms, ${fmt(
        lookup.perSecond,
        0,
      )} lookups/s`,
    );
    c.tmp = mkdtempSync(path.join(os.tmpdir(), "keysmith-bench-tokens-"));
    const tokenFile = path.join(c.tmp, "hot-tokens.json");
    writeFileSync(tokenFile, JSON.stringify(seed.tokens), { mode: 0o600 });

    log(`starting the server (${distDir}) …`);
    const server = (c.server = await startServer({
      root: ROOT,
      distDir,
      env: {
        ...database.serverEnv,
        NEXTAUTH_SECRET: serverSecret,
        KEYSMITH_ADMIN_EMAIL: ADMIN.email,
        KEYSMITH_ADMIN_PASSWORD: ADMIN.password,
        TEST_DATABASE_URL: undefined,
        // The server's own defaults (5 min cache, 500 ms flush), whatever this shell has set.
        KEYSMITH_VERIFY_CACHE_MS: undefined,
        KEYSMITH_USAGE_FLUSH_MS: undefined,
        // --peer: the operator's opt-in for a model server on this machine (README, "Gateway upstreams").
        KEYSMITH_UPSTREAM_ALLOW_HOSTS: mock ? "127.0.0.1" : undefined,
      },
      label: "the bench server",
    }));
    log(`  ready on ${server.url} (pid ${server.pid})`);
    const filterLine = server.output().split("\n").find((l) => l.includes("known-token filter"));
    if (filterLine) log(`  ${filterLine.trim()}`);

    // The console page first: nothing else is running, and the load rounds must not disturb it.
    let page: PageTiming | null = null;
    if (opts.pageLoads > 0) {
      const cookie = await signIn(server.url, ADMIN.email, ADMIN.password);
      page = await timePage(server.url, `/o/${ORG}/tokens/workspace`, cookie, opts.pageLoads, "bench-hot-w-0000");
      log(
        `page /o/${ORG}/tokens/workspace (${seed.acmeWorkspace.toLocaleString("en-US")} tokens in acme): p50 ${fmt(page.p50, 1)} ms, p90 ${fmt(page.p90, 1)} ms, min ${fmt(
          page.min,
          1,
        )} ms, max ${fmt(page.max, 1)} ms over ${page.loads} sequential loads (${(page.bytes / 1024).toFixed(0)} KiB HTML)`,
      );
    }

    let portkey: PeerProcess | undefined;
    if (opts.peer) {
      log(`starting Portkey's gateway (${PORTKEY_PACKAGE}) …`);
      portkey = c.portkey = await startPortkey(ROOT, log);
      log(`  ready on ${portkey.url} (pid ${portkey.pid})`);
    }

    const probe = (c.probe = await openLookupProbe(database));
    const load = (c.load = new LoadGenerator(ROOT));
    const flood = opts.scenarios.includes("me_flood") ? (c.flood = new LoadGenerator(ROOT)) : undefined;
    const ctx: SegmentContext = {
      load,
      opts,
      tokenFile,
      probe,
      flood,
      targets: {
        keysmith: {
          url: server.url,
          cpuSeconds: () => server.cpuSeconds(),
          check: (scenario) => {
            if (server.child.exitCode !== null || server.child.signalCode !== null) {
              throw new Error(
                `the server exited during the ${scenario} segment (code ${server.child.exitCode}, signal ${server.child.signalCode}); its last output:\n${server.output().split("\n").slice(-15).join("\n")}`,
              );
            }
          },
        },
        portkey,
        upstream: mock,
      },
      upstreamCpu: mock ? () => mock.cpuSeconds() : undefined,
    };
    const sequence: MeasuredSegment[] = [];
    const run = async (spec: SegmentSpec) => {
      const seg = await runSegment(ctx, spec);
      sequence.push(seg);
      return seg;
    };

    // With --rules each of me/gpt runs next to its twin on tokens with guard rails, the pair
    // swapping places every round (ABBA), so drift during a run (the database grows with gateway
    // calls) falls on both alike. Two A/A runs (twins seeded without rules) gave 0.94 and 0.98:
    // single 10 s segments vary by several per cent here, so judge 5 % over 4+ rounds.
    const groups = (opts.scenarios as SegmentScenario[]).map((s): SegmentScenario[] =>
      opts.rules && (s === "me" || s === "gpt") ? [s, `${s}_rules`] : [s],
    );
    const scenarios = groups.flat();
    const roundOrder = (round: number) => groups.flatMap((g) => (round % 2 === 0 ? [...g].reverse() : g));
    let pacedRate = 0;
    if (scenarios.length) {
      if (opts.warmup > 0) {
        log(`warm-up (${opts.warmup} s each, not measured):`);
        for (const s of ["baseline" as const, ...scenarios]) await run({ scenario: s, round: 0, durationSec: opts.warmup, warmup: true });
      }
      log(`measured rounds (baseline interleaved with each scenario):`);
      await run({ scenario: "baseline", round: 1, durationSec: opts.duration });
      for (let round = 1; round <= opts.rounds; round++) {
        for (const s of roundOrder(round)) {
          await run({ scenario: s, round, durationSec: opts.duration });
          await run({ scenario: "baseline", round, durationSec: opts.duration });
        }
      }

      // Latency at a fixed rate, the same for every scenario: a share of the throughput the slowest
      // of them sustained (with the data plane, /api/health alone does several times what a gateway
      // call can: half of it would measure a queue, not the added latency).
      const pacedScenarios = scenarios.filter((x): x is "me" | "gpt" => x === "me" || x === "gpt");
      const sustained = (name: SegmentScenario) => median(sequence.filter((x) => x.scenario === name && !x.warmup && !x.paced).map((x) => x.rps));
      const slowest = (["baseline", ...pacedScenarios] as SegmentScenario[]).reduce((a, b) => (sustained(b) < sustained(a) ? b : a));
      pacedRate = Math.round((opts.pacedShare || 0.5) * sustained(slowest));
      if (opts.pacedShare > 0 && pacedScenarios.length) {
        log(
          `paced rounds at ${pacedRate} req/s (${fmt(100 * opts.pacedShare, 0)} % of the ${fmt(sustained(slowest), 0)} req/s ${slowest} sustained, the slowest; open loop, latency from each request's due time):`,
        );
        await run({ scenario: "baseline", round: 1, durationSec: opts.duration, rate: pacedRate });
        for (let round = 1; round <= opts.rounds; round++) {
          for (const s of round % 2 ? pacedScenarios : [...pacedScenarios].reverse()) {
            await run({ scenario: s, round, durationSec: opts.duration, rate: pacedRate });
            await run({ scenario: "baseline", round, durationSec: opts.duration, rate: pacedRate });
          }
        }
      }
      if (opts.soakMinutes > 0) {
        log(`soak: me at ${pacedRate} req/s for ${opts.soakMinutes} min (p99 per minute below) …`);
        await run({ scenario: "me", round: 1, durationSec: opts.soakMinutes * 60, rate: pacedRate, bucketSec: 60 });
      }
    }

    let peerRate = 0;
    if (opts.peer) {
      const pair = (round: number): SegmentScenario[] => ["upstream", ...(round % 2 ? ["portkey", "gpt_mock"] : ["gpt_mock", "portkey"])] as SegmentScenario[];
      log(`peer: the mock upstream directly, through Portkey's gateway, and through a Keysmith gateway (same mock, non-streamed Messages calls)`);
      if (opts.warmup > 0) for (const s of pair(1)) await run({ scenario: s, round: 0, durationSec: opts.warmup, warmup: true });
      for (let round = 1; round <= opts.rounds; round++) for (const s of pair(round)) await run({ scenario: s, round, durationSec: opts.duration });
      const portkeyRps = median(sequence.filter((x) => x.scenario === "portkey" && !x.warmup && !x.paced).map((x) => x.rps));
      peerRate = Math.round((opts.pacedShare || 0.5) * portkeyRps);
      log(`peer, paced at ${peerRate} req/s (${fmt(100 * (opts.pacedShare || 0.5), 0)} % of Portkey's ${fmt(portkeyRps, 0)} req/s):`);
      for (let round = 1; round <= opts.rounds; round++) for (const s of pair(round)) await run({ scenario: s, round, durationSec: opts.duration, rate: peerRate });
    }
    await load.close();
    await flood?.close();
    c.load = undefined;
    c.flood = undefined;

    log(`stopping the server with SIGTERM (it flushes usage counts) …`);
    const code = await server.stop(30_000);
    c.server = undefined;
    log(`  exited with ${code}`);

    // Exiting backends publish their statistics: the counter is complete now.
    const finalMark = probe ? await probe.read() : undefined;
    await probe?.close();
    c.probe = undefined;
    const closedLoop = sequence.filter((x) => !x.paced);
    const lookups = lookupsPerScenario(sequence, finalMark);

    const usage = await hotUsage(database);
    const summaries = scenarios.length ? summarize(closedLoop, ["baseline", ...scenarios]) : [];
    report({ opts, database, total: seed.total, acme: seed.acmeWorkspace, summaries, sequence, usage, page, m, lookups, lookup, pacedRate, peerRate });
  } finally {
    await cleanup(c);
  }
}

/**
 * Token lookups by hash per scenario (PostgreSQL): the counter's change from the
 * start of a scenario segment to the start of the segment after the baseline
 * that follows it (baselines look nothing up, and give the statistics time to
 * arrive). Null for PGlite.
 */
function lookupsPerScenario(sequence: MeasuredSegment[], finalMark: number | undefined): Map<SegmentScenario, number> | null {
  if (finalMark === undefined) return null;
  const measured = sequence.filter((s) => !s.warmup);
  const out = new Map<SegmentScenario, number>();
  measured.forEach((seg, k) => {
    if (seg.scenario === "baseline" || seg.paced || seg.lookupMark === undefined) return;
    const end = measured[k + 2]?.lookupMark ?? finalMark;
    out.set(seg.scenario, (out.get(seg.scenario) ?? 0) + (end - seg.lookupMark));
  });
  return out;
}

interface RunResults {
  opts: BenchOptions;
  database: BenchDatabase;
  total: number;
  acme: number;
  /** Closed-loop rounds of the token scenarios, per scenario. */
  summaries: ScenarioSummary[];
  /** Every segment, in order: warm-ups, closed loop, paced, soak, peer. */
  sequence: MeasuredSegment[];
  usage: Awaited<ReturnType<typeof hotUsage>>;
  page: PageTiming | null;
  m: ReturnType<typeof machine>;
  lookups: Map<SegmentScenario, number> | null;
  lookup: LookupTiming;
  pacedRate: number;
  peerRate: number;
}

/** Scenarios whose 2xx answers were counted on hot tokens: what the usage counters must add up to. */
const COUNTED: SegmentScenario[] = ["me", "gpt", "me_rules", "gpt_rules", "me_flood", "gpt_mock"];

function report(r: RunResults) {
  const { opts, database, total, acme, summaries, sequence, usage, page, m, lookups, lookup } = r;
  const by = (s: SegmentScenario) => summaries.find((x) => x.scenario === s);
  const baseline = by("baseline");
  const rows = [["scenario", "req/s", "p50 ms", "p99 ms", "ratio", "p99 added", "errors", "server", "load-gen", "postgres", "others", "server ms/req", "pg ms/req"]];
  for (const s of summaries) {
    rows.push([
      s.scenario,
      fmt(s.rps, 0),
      fmt(s.latency.p50),
      fmt(s.latency.p99),
      s.scenario === "baseline" ? "1.00" : `${fmt(s.ratio)} (${s.ratios.map((x) => fmt(x)).join(", ")})`,
      s.scenario === "baseline" || !baseline ? "" : fmt(s.latency.p99 - baseline.latency.p99),
      `${s.errors}${s.errors ? ` ${JSON.stringify(s.unexpected)}` : ""}`,
      `${fmt(s.serverCpuPct, 0)}%`,
      `${fmt(s.loadgenCpuPct, 0)}%`,
      `${fmt(s.postgresCpuPct, 0)}%`,
      `${fmt(s.otherCpuPct, 0)}%`,
      fmt(s.serverCpuMsPerRequest, 3),
      fmt(s.postgresCpuMsPerRequest, 3),
    ]);
  }
  if (summaries.length) {
    log("");
    log(table(rows));
    log("(errors: non-2xx for baseline/me/gpt, non-401 for the 401 paths, plus connection errors and timeouts;");
    log(" server/load-gen/postgres/others: CPU as % of one core, of the server process, the load generator, all postgres processes, and everything else");
    log(" on the machine; server ms/req, pg ms/req: CPU milliseconds per response, of the server process and of all postgres processes)");
  }

  const me = by("me");
  const gpt = by("gpt");
  const counted2xx = (x: MeasuredSegment) => Object.entries(x.status).reduce((a, [code, n]) => (Number(code) >= 200 && Number(code) < 300 ? a + n : a), 0);
  const hotSegments = sequence.filter((x) => COUNTED.includes(x.scenario));
  const expected = hotSegments.reduce((n, x) => n + counted2xx(x), 0);
  const perScenario = COUNTED.map((name) => [name, hotSegments.filter((x) => x.scenario === name).reduce((n, x) => n + counted2xx(x), 0)] as const).filter(([, n]) => n > 0);
  const counted = usage.workspaceCount + usage.gatewayCount;
  const countedDays = usage.workspaceDays + usage.gatewayDays;
  const countedHours = usage.workspaceHours + usage.gatewayHours;
  const exact = counted === expected && countedDays === expected && countedHours === expected;
  const lost = hotSegments.reduce((n, x) => n + x.errors + x.timeouts, 0);
  log("");
  log(
    `usage: the load generator received ${expected} 2xx on hot tokens (${perScenario.map(([name, n]) => `${name} ${n}`).join(", ")}; warm-up, paced and soak included); database "usageCount" sum ${counted} (workspace ${usage.workspaceCount}, gateway ${usage.gatewayCount}), "TokenUsageBucket" successes by day ${countedDays}, by hour ${countedHours}: ${exact ? "exact" : "MISMATCH"}`,
  );
  if (!exact && lost > 0) {
    log(`  ${lost} request(s) on hot tokens timed out or lost their connection client-side; the server may have answered (and counted) them after the client gave up: difference ${counted - expected}`);
  }

  const lines: Array<[string, string | number]> = [
    ["bench_database", database.kind],
    ["bench_tokens", total],
    ["bench_acme_workspace_tokens", acme],
    ["bench_connections", opts.connections],
    ["bench_duration_s", opts.duration],
    ["bench_rounds", opts.rounds],
    ["bench_hot_tokens", opts.hotTokens],
    ["machine_cores", m.cores],
  ];
  for (const s of summaries) {
    lines.push([`${s.scenario}_rps`, fmt(s.rps, 0)]);
    lines.push([`${s.scenario}_p50_ms`, fmt(s.latency.p50)]);
    lines.push([`${s.scenario}_p99_ms`, fmt(s.latency.p99)]);
    lines.push([`${s.scenario}_errors`, s.errors]);
    if (s.scenario !== "baseline") {
      lines.push([`${s.scenario}_rps_ratio`, fmt(s.ratio)]);
      if (baseline) lines.push([`${s.scenario}_p99_added_ms`, fmt(s.latency.p99 - baseline.latency.p99)]);
    }
    lines.push([`${s.scenario}_server_cpu_pct`, fmt(s.serverCpuPct, 0)]);
    lines.push([`${s.scenario}_server_cpu_ms_per_req`, fmt(s.serverCpuMsPerRequest, 3)]);
    if (database.kind === "postgres") lines.push([`${s.scenario}_postgres_cpu_ms_per_req`, fmt(s.postgresCpuMsPerRequest, 3)]);
    lines.push([`${s.scenario}_other_processes_cpu_pct`, fmt(s.otherCpuPct, 0)]);
    const n = lookups?.get(s.scenario);
    if (n !== undefined) {
      const elapsed = s.responses / s.rps;
      lines.push([`${s.scenario}_db_lookups_per_s`, fmt(n / elapsed, 0)]);
      lines.push([`${s.scenario}_db_lookups_per_req`, fmt(n / s.responses, 3)]);
    }
  }
  // Valid-token throughput while unknown tokens flood in, against the same calls undisturbed.
  const meFlood = by("me_flood");
  if (me && meFlood) {
    const rounds = meFlood.ratios.map((r, i) => r / me.ratios[i]).filter(Number.isFinite);
    lines.push(["me_flood_vs_me_rps", fmt(median(rounds), 3)]);
    lines.push(["me_flood_vs_me_rps_rounds", rounds.map((r) => fmt(r, 3)).join(" ")]);
  }
  // Guard rails: each rules scenario against its twin, both relative to the baselines next to
  // them, round by round; the verdict takes the median round, so one disturbed segment (this
  // machine is shared) does not decide it.
  const rulesVerdicts: boolean[] = [];
  for (const [plain, ruled] of [[me, by("me_rules")], [gpt, by("gpt_rules")]] as const) {
    if (!plain || !ruled) continue;
    const rounds = ruled.ratios.map((r, i) => r / plain.ratios[i]).filter(Number.isFinite);
    const relative = median(rounds);
    rulesVerdicts.push(relative >= TARGETS.rulesRelative);
    lines.push([`${ruled.scenario}_vs_${plain.scenario}_rps`, fmt(relative, 3)]);
    lines.push([`${ruled.scenario}_vs_${plain.scenario}_rps_rounds`, rounds.map((r) => fmt(r, 3)).join(" ")]);
    lines.push([`${ruled.scenario}_vs_${plain.scenario}_server_cpu_per_req`, fmt(ruled.serverCpuMsPerRequest / plain.serverCpuMsPerRequest, 3)]);
    if (database.kind === "postgres") {
      lines.push([`${ruled.scenario}_vs_${plain.scenario}_postgres_cpu_per_req`, fmt(ruled.postgresCpuMsPerRequest / plain.postgresCpuMsPerRequest, 3)]);
    }
  }
  lines.push(["usage_expected", expected], ["usage_counted", counted], ["usage_days_counted", countedDays], ["usage_hours_counted", countedHours], ["usage_exact", String(exact)], ["usage_client_lost_requests", lost]);
  lines.push(["lookup_uncached_p50_ms", fmt(lookup.p50, 3)], ["lookup_uncached_p99_ms", fmt(lookup.p99, 3)], ["lookup_uncached_per_s", fmt(lookup.perSecond, 0)]);
  if (page) lines.push(["page_p50_ms", fmt(page.p50, 1)], ["page_p90_ms", fmt(page.p90, 1)], ["page_loads", page.loads]);

  const paced = pacedReport(r, lines);
  const soak = soakReport(r, lines);
  const peer = peerReport(r, lines);

  // Targets (2-core machine, docs/performance.md): pass / FAIL.
  const verdict = (ok: boolean) => (ok ? "pass" : "FAIL");
  if (me) lines.push(["target_me_rps_ratio_ge_0.95", verdict(me.ratio >= TARGETS.meRatio)]);
  if (gpt) lines.push(["target_gpt_rps_ratio_ge_0.9", verdict(gpt.ratio >= TARGETS.gptRatio)]);
  for (const name of ["garbage401", "unknown401"] as const) {
    const s = by(name);
    if (s) lines.push([`target_${name}_rps_ratio_ge_0.95`, verdict(s.ratio >= TARGETS.ratio401)]);
  }
  for (const [name, added] of paced) {
    lines.push([`target_${name}_paced_p50_added_le_1ms`, verdict(added.p50 <= TARGETS.pacedAddedMs)]);
    lines.push([`target_${name}_paced_p99_added_le_1ms`, verdict(added.p99 <= TARGETS.pacedAddedMs)]);
  }
  if (soak) lines.push(["target_soak_no_p99_spike", verdict(soak.worst <= TARGETS.soakSpike * soak.median + 1)]);
  if (peer) {
    lines.push(["target_gpt_mock_vs_portkey_rps_ge_1.0", verdict(peer.ratio >= 1)]);
    lines.push(["target_gpt_mock_paced_added_le_portkey", verdict(peer.keysmith.p50 <= peer.portkey.p50 && peer.keysmith.p99 <= peer.portkey.p99)]);
  }
  if (rulesVerdicts.length) lines.push(["target_rules_rps_within_5pct", verdict(rulesVerdicts.every(Boolean))]);
  const allErrors = summaries.reduce((a, s) => a + s.errors, 0);
  lines.push([`target_zero_errors_at_${opts.connections}_connections`, verdict(allErrors === 0)]);
  lines.push(["target_usage_exact", verdict(exact)]);
  if (page) lines.push(["target_page_p50_le_150ms", verdict(page.p50 <= TARGETS.pageP50Ms)]);

  log("");
  for (const [k, v] of lines) log(`${k}: ${v}`);
  if (!exact) process.exitCode = 1;
}

type Added = { p50: number; p99: number };

/** Paced rounds: each scenario's p50/p99 over all its paced segments, less the paced baseline's. */
function pacedReport(r: RunResults, lines: Array<[string, string | number]>): Array<[string, Added]> {
  const paced = r.sequence.filter((x) => x.paced && !x.warmup && !x.buckets && !PEER_SCENARIOS.includes(x.scenario));
  const base = paced.filter((x) => x.scenario === "baseline");
  if (!base.length) return [];
  const baseLatency = latencyOf(base);
  const rows = [["paced", "req/s", "p50 ms", "p99 ms", "p50 added", "p99 added", "errors", "server ms/req"]];
  const out: Array<[string, Added]> = [];
  lines.push(["paced_rate_rps", r.pacedRate]);
  for (const name of ["baseline", "me", "gpt"] as const) {
    const segs = paced.filter((x) => x.scenario === name);
    if (!segs.length) continue;
    const latency = latencyOf(segs);
    const added = { p50: latency.p50 - baseLatency.p50, p99: latency.p99 - baseLatency.p99 };
    const responses = segs.reduce((a, x) => a + x.responses, 0);
    const errors = segs.reduce((a, x) => a + x.errors + x.timeouts + unexpectedCount(x), 0);
    const rps = responses / segs.reduce((a, x) => a + x.elapsedSec, 0);
    const cpuMs = (1000 * segs.reduce((a, x) => a + x.serverCpuSeconds, 0)) / responses;
    rows.push([name, fmt(rps, 0), fmt(latency.p50, 3), fmt(latency.p99, 3), name === "baseline" ? "" : fmt(added.p50, 3), name === "baseline" ? "" : fmt(added.p99, 3), String(errors), fmt(cpuMs, 3)]);
    lines.push([`${name}_paced_p50_ms`, fmt(latency.p50, 3)], [`${name}_paced_p99_ms`, fmt(latency.p99, 3)], [`${name}_paced_errors`, errors]);
    if (name !== "baseline") {
      lines.push([`${name}_paced_p50_added_ms`, fmt(added.p50, 3)], [`${name}_paced_p99_added_ms`, fmt(added.p99, 3)]);
      out.push([name, added]);
    }
  }
  log("");
  log(table(rows));
  return out;
}

function unexpectedCount(x: MeasuredSegment): number {
  const ok = expectedStatus(x.scenario);
  return Object.entries(x.status).reduce((a, [code, n]) => (ok(Number(code)) ? a : a + n), 0);
}

/** The soak: p50/p99 per minute of due time, and the worst minute's p99 against the median minute's. */
function soakReport(r: RunResults, lines: Array<[string, string | number]>): { worst: number; median: number } | null {
  const soak = r.sequence.find((x) => x.buckets);
  if (!soak?.buckets?.length) return null;
  const rows = [["minute", "responses", "p50 ms", "p99 ms", "max ms"]];
  for (const b of soak.buckets) rows.push([String(b.startSec / 60 + 1), String(b.responses), fmt(b.p50, 3), fmt(b.p99, 3), fmt(b.max, 1)]);
  log("");
  log(`soak: me at ${r.pacedRate} req/s (errors ${soak.errors + soak.timeouts + unexpectedCount(soak)})`);
  log(table(rows));
  const p99s = soak.buckets.map((b) => b.p99);
  const worst = Math.max(...p99s);
  const mid = median(p99s);
  lines.push(["soak_minutes", soak.buckets.length], ["soak_rate_rps", r.pacedRate], ["soak_p99_ms_by_minute", p99s.map((x) => fmt(x, 2)).join(" ")]);
  lines.push(["soak_p99_worst_ms", fmt(worst, 3)], ["soak_p99_median_ms", fmt(mid, 3)], ["soak_errors", soak.errors + soak.timeouts + unexpectedCount(soak)]);
  return { worst, median: mid };
}

const PEER_SCENARIOS: SegmentScenario[] = ["upstream", "portkey", "gpt_mock"];

/** --peer: Keysmith's gateway against Portkey's, in front of the same mock upstream. */
function peerReport(r: RunResults, lines: Array<[string, string | number]>): { ratio: number; keysmith: Added; portkey: Added } | null {
  const segs = r.sequence.filter((x) => PEER_SCENARIOS.includes(x.scenario) && !x.warmup);
  if (!segs.length) return null;
  const closed = segs.filter((x) => !x.paced);
  const paced = segs.filter((x) => x.paced);
  // Round by round: Keysmith's throughput over Portkey's in the same round (adjacent segments).
  const ratios: number[] = [];
  for (const round of new Set(closed.map((x) => x.round))) {
    const k = closed.find((x) => x.round === round && x.scenario === "gpt_mock");
    const p = closed.find((x) => x.round === round && x.scenario === "portkey");
    if (k && p) ratios.push(k.rps / p.rps);
  }
  const ratio = median(ratios);
  const up = latencyOf(paced.filter((x) => x.scenario === "upstream"));
  const addedOf = (name: SegmentScenario): Added => {
    const l = latencyOf(paced.filter((x) => x.scenario === name));
    return { p50: l.p50 - up.p50, p99: l.p99 - up.p99 };
  };
  const rows = [["peer", "req/s", "p99 ms", "CPU ms/req", "mock %", "paced p50 ms", "paced p99 ms", "p50 added", "p99 added", "errors"]];
  for (const name of PEER_SCENARIOS) {
    const c = closed.filter((x) => x.scenario === name);
    const p = paced.filter((x) => x.scenario === name);
    const responses = c.reduce((a, x) => a + x.responses, 0);
    const rps = responses / c.reduce((a, x) => a + x.elapsedSec, 0);
    const cpuMs = (1000 * c.reduce((a, x) => a + x.serverCpuSeconds, 0)) / responses;
    const pl = latencyOf(p);
    const added = name === "upstream" ? null : addedOf(name);
    const errors = [...c, ...p].reduce((a, x) => a + x.errors + x.timeouts + unexpectedCount(x), 0);
    const mockPct = c.reduce((a, x) => a + x.upstreamCpuPct, 0) / c.length;
    rows.push([name, fmt(rps, 0), fmt(latencyOf(c).p99), fmt(cpuMs, 3), `${fmt(mockPct, 0)}%`, fmt(pl.p50, 3), fmt(pl.p99, 3), added ? fmt(added.p50, 3) : "", added ? fmt(added.p99, 3) : "", String(errors)]);
    lines.push([`peer_${name}_rps`, fmt(rps, 0)], [`peer_${name}_cpu_ms_per_req`, fmt(cpuMs, 3)], [`peer_${name}_errors`, errors]);
    if (added) lines.push([`peer_${name}_paced_p50_added_ms`, fmt(added.p50, 3)], [`peer_${name}_paced_p99_added_ms`, fmt(added.p99, 3)]);
  }
  log("");
  log(`peer (Keysmith gateway "gpt_mock" vs Portkey, same mock upstream; paced at ${r.peerRate} req/s; added = over calling the mock directly):`);
  log(table(rows));
  lines.push(["peer_paced_rate_rps", r.peerRate], ["gpt_mock_vs_portkey_rps", fmt(ratio, 3)], ["gpt_mock_vs_portkey_rps_rounds", ratios.map((x) => fmt(x, 3)).join(" ")]);
  return { ratio, keysmith: addedOf("gpt_mock"), portkey: addedOf("portkey") };
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack ?? error.message : error);
  process.exit(1);
});
