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
import { fmt, median, summarize, table, type ScenarioSummary } from "./bench/report";
import { startServer, type ServerHandle } from "./bench/server";
import type { MeasuredSegment, SegmentScenario } from "./bench/types";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const ORG = "acme";
const ADMIN = { email: "admin@keysmith.local", password: `bench-${randomBytes(6).toString("hex")}` };

/** `me_flood`: connections of the second load generator that sends a fresh unknown token on every request. */
const FLOOD_CONNECTIONS = 64;

const TARGETS = {
  /** Guard rails: throughput with rules at least this share of the same calls without. */
  rulesRelative: 0.95,
  meRatio: 0.85,
  meP99AddedMs: 2,
  ratio401: 0.95,
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
  if (c.tmp) rmSync(c.tmp, { recursive: true, force: true });
  if (c.database && !c.keep) await c.database.drop().catch((e: unknown) => log(`could not drop the bench database: ${String(e)}`));
  else if (c.database) log(`kept ${c.database.description}`);
}

async function runSegment(
  load: LoadGenerator,
  server: ServerHandle,
  opts: BenchOptions,
  tokenFile: string,
  scenario: SegmentScenario,
  round: number,
  durationSec: number,
  warmup: boolean,
  probe: LookupProbe,
  flood?: LoadGenerator,
): Promise<MeasuredSegment> {
  const lookupMark = probe ? await probe.read() : undefined;
  const cpu0 = server.cpuSeconds();
  const pg0 = postgresCpu();
  const m0 = machineTimes();
  const t0 = performance.now();
  const base = { url: server.url, durationSec, tokenFile, orgSlug: ORG, gatewayModel: GATEWAY_MODEL, hotTokens: opts.hotTokens };
  // The flood runs in its own process, beside the measured calls, for as long as they do.
  const flooding = scenario === "me_flood" && flood ? flood.run({ ...base, scenario: "unknown401", connections: FLOOD_CONNECTIONS }) : null;
  const result = await load.run({ ...base, scenario, connections: opts.connections });
  const floodResult = await flooding;
  const wall = (performance.now() - t0) / 1000;
  if (server.child.exitCode !== null || server.child.signalCode !== null) {
    throw new Error(
      `the server exited during the ${scenario} segment (code ${server.child.exitCode}, signal ${server.child.signalCode}); its last output:\n${server.output().split("\n").slice(-15).join("\n")}`,
    );
  }
  const cpu = server.cpuSeconds() - cpu0;
  const pgCpu = postgresCpuDelta(pg0, postgresCpu());
  const m1 = machineTimes();
  const machineBusySeconds = (m1.busy - m0.busy) / 100;
  const seg: MeasuredSegment = {
    ...result,
    round,
    warmup,
    serverCpuSeconds: cpu,
    postgresCpuSeconds: pgCpu,
    serverCpuPct: (100 * cpu) / wall,
    loadgenCpuPct: (100 * result.loadgenCpuSeconds) / wall,
    machineBusyPct: (100 * (m1.busy - m0.busy)) / (m1.total - m0.total),
    postgresCpuPct: (100 * pgCpu) / wall,
    otherCpuPct: Math.max(0, (100 * (machineBusySeconds - cpu - pgCpu - result.loadgenCpuSeconds)) / wall),
    lookupMark,
  };
  const codes = Object.entries(result.status)
    .map(([c, n]) => `${c}×${n}`)
    .join(" ");
  const floodCodes = floodResult
    ? `  flood ${fmt(floodResult.rps, 0)} req/s [${Object.entries(floodResult.status).map(([c, n]) => `${c}×${n}`).join(" ")}]`
    : "";
  log(
    `  ${warmup ? "warm-up" : `round ${round}`.padEnd(7)} ${scenario.padEnd(10)} ${fmt(result.rps, 0).padStart(6)} req/s  p50 ${fmt(result.latency.p50)} ms  p99 ${fmt(
      result.latency.p99,
    )} ms  [${codes}${result.errors ? ` errors×${result.errors}` : ""}${result.timeouts ? ` timeouts×${result.timeouts}` : ""}]  server CPU ${fmt(seg.serverCpuPct, 0)}%  load-gen ${fmt(seg.loadgenCpuPct, 0)}%  postgres ${fmt(
      seg.postgresCpuPct,
      0,
    )}%  others ${fmt(seg.otherCpuPct, 0)}%${floodCodes}`,
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

    const database = (c.database = await createBenchDatabase(serverBaseUrl()));
    log(`database: ${database.description}`);
    log(`seeding ${opts.tokens.toLocaleString("en-US")} tokens …`);
    const seed = await seedBenchDatabase(database, opts.tokens, ADMIN, log, { rules: opts.rules });
    log(
      `  ${seed.total.toLocaleString("en-US")} tokens in ${fmt(seed.seconds, 1)} s: ${seed.acmeWorkspace.toLocaleString("en-US")} workspace + 1,000 gateway in acme, ${seed.otherOrgs.toLocaleString("en-US")} in other orgs`,
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
        NEXTAUTH_SECRET: `bench-${randomBytes(16).toString("hex")}`,
        KEYSMITH_ADMIN_EMAIL: ADMIN.email,
        KEYSMITH_ADMIN_PASSWORD: ADMIN.password,
        TEST_DATABASE_URL: undefined,
        // The server's own defaults (1 s cache, 500 ms flush), whatever this shell has set.
        KEYSMITH_VERIFY_CACHE_MS: undefined,
        KEYSMITH_USAGE_FLUSH_MS: undefined,
      },
      label: "the bench server",
    }));
    log(`  ready on ${server.url} (pid ${server.pid})`);

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

    const probe = (c.probe = await openLookupProbe(database));
    const load = (c.load = new LoadGenerator(ROOT));
    const flood = opts.scenarios.includes("me_flood") ? (c.flood = new LoadGenerator(ROOT)) : undefined;
    // With --rules each of me/gpt runs next to its twin on tokens with guard rails, the pair
    // swapping places every round (ABBA), so drift during a run (the database grows with gateway
    // calls) falls on both alike. Two A/A runs (twins seeded without rules) gave 0.94 and 0.98:
    // single 10 s segments vary by several per cent here, so judge 5 % over 4+ rounds.
    const groups = (opts.scenarios as SegmentScenario[]).map((s): SegmentScenario[] =>
      opts.rules && (s === "me" || s === "gpt") ? [s, `${s}_rules`] : [s],
    );
    const scenarios = groups.flat();
    const roundOrder = (round: number) => groups.flatMap((g) => (round % 2 === 0 ? [...g].reverse() : g));
    const sequence: MeasuredSegment[] = [];
    if (opts.warmup > 0) {
      log(`warm-up (${opts.warmup} s each, not measured):`);
      for (const s of ["baseline" as const, ...scenarios]) sequence.push(await runSegment(load, server, opts, tokenFile, s, 0, opts.warmup, true, probe, flood));
    }
    log(`measured rounds (baseline interleaved with each scenario):`);
    sequence.push(await runSegment(load, server, opts, tokenFile, "baseline", 1, opts.duration, false, probe));
    for (let round = 1; round <= opts.rounds; round++) {
      for (const s of roundOrder(round)) {
        sequence.push(await runSegment(load, server, opts, tokenFile, s, round, opts.duration, false, probe, flood));
        sequence.push(await runSegment(load, server, opts, tokenFile, "baseline", round, opts.duration, false, probe));
      }
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
    const lookups = lookupsPerScenario(sequence, finalMark);

    const usage = await hotUsage(database);
    const summaries = summarize(sequence, ["baseline", ...scenarios]);
    report(opts, database, seed.total, seed.acmeWorkspace, summaries, usage, page, m, lookups, lookup);
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
    if (seg.scenario === "baseline" || seg.lookupMark === undefined) return;
    const end = measured[k + 2]?.lookupMark ?? finalMark;
    out.set(seg.scenario, (out.get(seg.scenario) ?? 0) + (end - seg.lookupMark));
  });
  return out;
}

function report(
  opts: BenchOptions,
  database: BenchDatabase,
  total: number,
  acme: number,
  summaries: ScenarioSummary[],
  usage: Awaited<ReturnType<typeof hotUsage>>,
  page: PageTiming | null,
  m: ReturnType<typeof machine>,
  lookups: Map<SegmentScenario, number> | null,
  lookup: LookupTiming,
) {
  const by = (s: SegmentScenario) => summaries.find((x) => x.scenario === s);
  const baseline = by("baseline")!;
  const rows = [["scenario", "req/s", "p50 ms", "p99 ms", "ratio", "p99 added", "errors", "server", "load-gen", "postgres", "others", "server ms/req", "pg ms/req"]];
  for (const s of summaries) {
    rows.push([
      s.scenario,
      fmt(s.rps, 0),
      fmt(s.latency.p50),
      fmt(s.latency.p99),
      s.scenario === "baseline" ? "1.00" : `${fmt(s.ratio)} (${s.ratios.map((r) => fmt(r)).join(", ")})`,
      s.scenario === "baseline" ? "" : fmt(s.latency.p99 - baseline.latency.p99),
      `${s.errors}${s.errors ? ` ${JSON.stringify(s.unexpected)}` : ""}`,
      `${fmt(s.serverCpuPct, 0)}%`,
      `${fmt(s.loadgenCpuPct, 0)}%`,
      `${fmt(s.postgresCpuPct, 0)}%`,
      `${fmt(s.otherCpuPct, 0)}%`,
      fmt(s.serverCpuMsPerRequest, 3),
      fmt(s.postgresCpuMsPerRequest, 3),
    ]);
  }
  log("");
  log(table(rows));
  log("(errors: non-2xx for baseline/me/gpt, non-401 for the 401 paths, plus connection errors and timeouts;");
  log(" server/load-gen/postgres/others: CPU as % of one core, of the server process, the load generator, all postgres processes, and everything else");
  log(" on the machine; server ms/req, pg ms/req: CPU milliseconds per response, of the server process and of all postgres processes)");

  const me = by("me");
  const gpt = by("gpt");
  const hot = (["me", "gpt", "me_rules", "gpt_rules", "me_flood"] as const).map(by);
  const expected = hot.reduce((n, s) => n + (s?.ok2xxAll ?? 0), 0);
  const counted = usage.workspaceCount + usage.gatewayCount;
  const countedDays = usage.workspaceDays + usage.gatewayDays;
  const exact = counted === expected && countedDays === expected;
  const lost = hot.reduce((n, s) => n + (s?.lostAll ?? 0), 0);
  log("");
  log(
    `usage: autocannon received ${expected} 2xx on hot tokens (${hot.filter(Boolean).map((s) => `${s!.scenario} ${s!.ok2xxAll}`).join(", ")}); database "usageCount" sum ${counted} (workspace ${usage.workspaceCount}, gateway ${usage.gatewayCount}), "TokenUsageDay" sum ${countedDays}: ${exact ? "exact" : "MISMATCH"}`,
  );
  if (!exact && lost > 0) {
    log(`  ${lost} request(s) on hot tokens timed out or lost their connection client-side; the server may have answered (and counted) them after autocannon gave up: difference ${counted - expected}`);
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
      lines.push([`${s.scenario}_p99_added_ms`, fmt(s.latency.p99 - baseline.latency.p99)]);
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
  lines.push(["usage_expected", expected], ["usage_counted", counted], ["usage_days_counted", countedDays], ["usage_exact", String(exact)], ["usage_client_lost_requests", lost]);
  lines.push(["lookup_uncached_p50_ms", fmt(lookup.p50, 3)], ["lookup_uncached_p99_ms", fmt(lookup.p99, 3)], ["lookup_uncached_per_s", fmt(lookup.perSecond, 0)]);
  if (page) lines.push(["page_p50_ms", fmt(page.p50, 1)], ["page_p90_ms", fmt(page.p90, 1)], ["page_loads", page.loads]);

  // Targets (2-core machine): pass / FAIL.
  const verdict = (ok: boolean) => (ok ? "pass" : "FAIL");
  if (me) {
    lines.push(["target_me_rps_ratio_ge_0.85", verdict(me.ratio >= TARGETS.meRatio)]);
    lines.push(["target_me_p99_added_le_2ms", verdict(me.latency.p99 - baseline.latency.p99 <= TARGETS.meP99AddedMs)]);
  }
  const g401 = by("garbage401");
  if (g401) lines.push(["target_garbage401_rps_ratio_ge_0.95", verdict(g401.ratio >= TARGETS.ratio401)]);
  if (rulesVerdicts.length) lines.push(["target_rules_rps_within_5pct", verdict(rulesVerdicts.every(Boolean))]);
  const allErrors = summaries.reduce((a, s) => a + s.errors, 0);
  lines.push([`target_zero_errors_at_${opts.connections}_connections`, verdict(allErrors === 0)]);
  lines.push(["target_usage_exact", verdict(exact)]);
  if (page) lines.push(["target_page_p50_le_150ms", verdict(page.p50 <= TARGETS.pageP50Ms)]);

  log("");
  for (const [k, v] of lines) log(`${k}: ${v}`);
  if (!exact) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack ?? error.message : error);
  process.exit(1);
});
