/**
 * What the gateway API adds to a call: median and p99 latency of N non-streaming
 * echo calls (POST /api/gpt/v1/messages) against N calls to a trivial handler
 * that returns a response of the same JSON size, both mounted on the same
 * in-process route server (tests/support/route-server.ts), calls interleaved so
 * drift hits both alike. The difference is the gateway's own cost: token
 * verification, gateway lookup, validation, the echo, call recording and
 * usage counting.
 *
 *   npx tsx scripts/measure-gateway.ts [--calls 500] [--warmup 100]
 *
 * Runs on a fresh embedded PGlite database, and also on PostgreSQL when
 * TEST_DATABASE_URL is set (a fresh database there, dropped afterwards).
 */
import { randomBytes } from "node:crypto";
import "./stub-server-only";
import { performance } from "node:perf_hooks";

process.env.NEXTAUTH_SECRET ??= randomBytes(32).toString("base64url");

const { openAppDb } = await import("../tests/support/app-db");
const { createEchoGateway, createGatewayOrg, issueGatewayToken, startGatewayServer, usageCount } = await import("../tests/support/gateway-api");
const { testDatabases } = await import("../tests/support/databases");
const { flushUsage } = await import("../lib/tokens/usage");

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} must be a positive integer`);
  return v;
}

const CALLS = option("calls", 500);
const WARMUP = option("warmup", 100);

const BODY = JSON.stringify({
  model: "keysmith-echo-1",
  max_tokens: 256,
  messages: [{ role: "user", content: "Measure me: a short prompt of about the size people send in a quick test." }],
});

interface Stats {
  median: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  const mid = sorted.length / 2;
  return {
    median: sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2,
    p99: rank(0.99),
    mean: sorted.reduce((s, x) => s + x, 0) / sorted.length,
    min: sorted[0],
    max: sorted[sorted.length - 1],
  };
}

async function timedPost(url: string, headers: Record<string, string>): Promise<{ ms: number; body: string }> {
  const started = performance.now();
  const response = await fetch(url, { method: "POST", headers, body: BODY });
  const body = await response.text();
  const ms = performance.now() - started;
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${body}`);
  return { ms, body };
}

async function measure(kind: "pglite" | "postgres") {
  const app = await openAppDb(kind);
  const o = await createGatewayOrg(app.prisma);
  const gateway = await createEchoGateway(app.prisma, o);
  const { token, secret } = await issueGatewayToken(app.prisma, o, gateway.id);
  const headers = { "content-type": "application/json", "anthropic-version": "2023-06-01", "x-api-key": secret };

  // The baseline answers with the very JSON the gateway returns for this request.
  let canned = "";
  const server = await startGatewayServer({
    "/baseline/v1/messages": {
      POST: async (request) => {
        await request.text();
        return new Response(canned, { headers: { "content-type": "application/json" } });
      },
    },
  });
  const gatewayUrl = `${server.url}/api/gpt/v1/messages`;
  const baselineUrl = `${server.url}/baseline/v1/messages`;
  try {
    canned = (await timedPost(gatewayUrl, headers)).body;

    for (let i = 0; i < WARMUP; i++) {
      await timedPost(baselineUrl, headers);
      await timedPost(gatewayUrl, headers);
    }
    const baseline: number[] = [];
    const viaGateway: number[] = [];
    for (let i = 0; i < CALLS; i++) {
      // Alternate which goes first, so neither always follows the other.
      if (i % 2 === 0) {
        baseline.push((await timedPost(baselineUrl, headers)).ms);
        viaGateway.push((await timedPost(gatewayUrl, headers)).ms);
      } else {
        viaGateway.push((await timedPost(gatewayUrl, headers)).ms);
        baseline.push((await timedPost(baselineUrl, headers)).ms);
      }
    }

    await flushUsage();
    const counted = await usageCount(app.prisma, token.id);
    const recorded = Number((await app.prisma.tokenModelBucket.aggregate({ where: { tokenId: token.id, span: "DAY" }, _sum: { calls: true } }))._sum.calls ?? 0);
    const expected = 1 + WARMUP + CALLS;
    if (counted !== expected || recorded !== expected) {
      throw new Error(`usage mismatch: usageCount ${counted}, model bucket calls ${recorded}, expected ${expected}`);
    }
    return { kind, baseline: stats(baseline), gateway: stats(viaGateway), responseBytes: Buffer.byteLength(canned), counted };
  } finally {
    await flushUsage();
    await server.close();
    await app.close();
  }
}

const f = (ms: number) => ms.toFixed(2).padStart(7);

console.log(`measure-gateway: ${CALLS} non-streaming echo calls per side (after ${WARMUP} warm-up calls each), sequential, keep-alive`);
console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
for (const { name } of testDatabases) {
  const r = await measure(name);
  console.log(`\n${r.kind} (response ${r.responseBytes} bytes; usageCount and model bucket calls exact: ${r.counted})`);
  console.log("                      median      p99     mean      min      max   (ms)");
  console.log(`  baseline handler   ${f(r.baseline.median)}  ${f(r.baseline.p99)}  ${f(r.baseline.mean)}  ${f(r.baseline.min)}  ${f(r.baseline.max)}`);
  console.log(`  gateway (echo)     ${f(r.gateway.median)}  ${f(r.gateway.p99)}  ${f(r.gateway.mean)}  ${f(r.gateway.min)}  ${f(r.gateway.max)}`);
  console.log(`  added by gateway   ${f(r.gateway.median - r.baseline.median)}  ${f(r.gateway.p99 - r.baseline.p99)}  ${f(r.gateway.mean - r.baseline.mean)}`);
}
