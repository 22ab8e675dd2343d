/**
 * The load generator, in its own process (forked by scripts/bench/load.ts) so
 * it never shares the bench orchestrator's event loop. Runs one autocannon
 * segment per message and answers with counts and latency percentiles.
 *
 * A segment ends by draining, not by cutting: once the time is up every
 * connection finishes the request it has in flight and then closes, so each
 * request the server handled is also counted here (the usage check compares
 * these counts with the database exactly).
 */
import { readFileSync } from "node:fs";
import autocannon from "autocannon";

import { checksum, generateToken } from "@/lib/tokens/format";
import type { HotTokens } from "./database";
import type { SegmentRequest, SegmentResult } from "./types";

const GARBAGE_POOL = 1_000;
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Looks like a workspace token (prefix, length, alphabet) but its checksum is wrong. */
function garbageToken(): string {
  for (;;) {
    let body = "ksw_";
    for (let i = 0; i < 30; i++) body += ALPHABET[Math.floor(Math.random() * 62)];
    let sum = "";
    for (let i = 0; i < 6; i++) sum += ALPHABET[Math.floor(Math.random() * 62)];
    if (sum !== checksum(body)) return body + sum;
  }
}

function pick<T>(list: T[]): T {
  return list[Math.floor(Math.random() * list.length)];
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

type AutocannonRequest = NonNullable<autocannon.Options["requests"]>[number];

/** `GET /api/v1/app/me` in the bench org, with the token `token()` gives for each request. */
function meWith(req: SegmentRequest, token: () => string): ReturnType<typeof requestsFor> {
  return {
    path: "/api/v1/app/me",
    method: "GET",
    requests: [
      {
        method: "GET",
        path: "/api/v1/app/me",
        setupRequest: (r) => ({ ...r, headers: { authorization: `Bearer ${token()}`, "x-org": req.orgSlug } }),
      },
    ],
  };
}

function requestsFor(req: SegmentRequest): { path: string; method: "GET" | "POST"; requests: AutocannonRequest[] } {
  const tokens = req.tokenFile ? (JSON.parse(readFileSync(req.tokenFile, "utf8")) as HotTokens) : null;
  switch (req.scenario) {
    case "baseline":
      return { path: "/api/health", method: "GET", requests: [{ method: "GET", path: "/api/health" }] };
    case "me":
    case "me_flood":
    case "me_rules": {
      const list = (req.scenario === "me_rules" ? tokens!.workspaceRules : tokens!.workspace).slice(0, req.hotTokens);
      return meWith(req, () => pick(list));
    }
    case "garbage401": {
      const pool = Array.from({ length: GARBAGE_POOL }, garbageToken);
      return meWith(req, () => pick(pool));
    }
    case "unknown401":
      // A fresh, well-formed token with a valid checksum on every request: each one misses the cache.
      return meWith(req, () => generateToken("WORKSPACE"));
    case "gpt":
    case "gpt_rules": {
      const list = (req.scenario === "gpt" ? tokens!.gateway : tokens!.gatewayRules).slice(0, req.hotTokens);
      const body = JSON.stringify({ model: req.gatewayModel, max_tokens: 16, messages: [{ role: "user", content: "ping from the benchmark" }] });
      return {
        path: "/api/gpt/v1/messages",
        method: "POST",
        requests: [
          {
            method: "POST",
            path: "/api/gpt/v1/messages",
            body,
            setupRequest: (r) => ({
              ...r,
              body,
              headers: { "x-api-key": pick(list), "anthropic-version": "2023-06-01", "content-type": "application/json" },
            }),
          },
        ],
      };
    }
  }
}

async function runSegment(req: SegmentRequest): Promise<SegmentResult> {
  const { requests } = requestsFor(req);
  const status: Record<string, number> = {};
  let latencies = new Float64Array(1 << 16);
  let n = 0;
  let draining = false;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let lastResponse = started;

  let finish!: (value: autocannon.Result) => void;
  let fail!: (error: unknown) => void;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const instance = autocannon(
    {
      url: req.url,
      connections: req.connections,
      // The segment ends by draining (below); this is only a backstop.
      duration: req.durationSec + 60,
      // Generous: a slow answer is a latency figure, not a lost request (the usage check needs every answer).
      timeout: 30,
      requests,
    },
    (error, result) => (error ? fail(error) : finish(result)),
  );

  type Drainable = { responseMax?: number; reqsMade: number };
  instance.on("response", (client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    lastResponse = performance.now();
    status[statusCode] = (status[statusCode] ?? 0) + 1;
    if (n === latencies.length) {
      const bigger = new Float64Array(latencies.length * 2);
      bigger.set(latencies);
      latencies = bigger;
    }
    latencies[n++] = responseTime;
    if (draining) {
      // This connection has no other request in flight (pipelining 1): it stops here.
      (client as Drainable).responseMax = (client as Drainable).reqsMade;
    }
  });
  const timer = setTimeout(() => {
    draining = true;
  }, req.durationSec * 1000);

  const result = await done;
  clearTimeout(timer);
  const cpu = process.cpuUsage(cpuBefore);
  const sorted = latencies.slice(0, n).sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  const elapsedSec = (lastResponse - started) / 1000;
  return {
    scenario: req.scenario,
    responses: n,
    status,
    // autocannon counts timeouts among its errors.
    errors: result.errors - result.timeouts,
    timeouts: result.timeouts,
    elapsedSec,
    rps: n / elapsedSec,
    latency: {
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      mean: n ? sum / n : Number.NaN,
      max: n ? sorted[n - 1] : Number.NaN,
    },
    loadgenCpuSeconds: (cpu.user + cpu.system) / 1e6,
    latencies: Buffer.from(Float32Array.from(sorted).buffer).toString("base64"),
  };
}

process.on("message", (message: SegmentRequest) => {
  runSegment(message).then(
    (result) => process.send!({ ok: true, result }),
    (error: unknown) => process.send!({ ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error) }),
  );
});
process.on("disconnect", () => process.exit(0));
