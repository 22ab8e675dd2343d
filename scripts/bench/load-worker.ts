/**
 * The load generator, in its own process (forked by scripts/bench/load.ts) so
 * it never shares the bench orchestrator's event loop. Runs one segment per
 * message (closed loop with autocannon, or paced open loop with `rate`) and
 * answers with counts and latency percentiles.
 *
 * A segment ends by draining, not by cutting: once the time is up every
 * connection finishes the request it has in flight and then closes, so each
 * request the server handled is also counted here (the usage check compares
 * these counts with the database exactly).
 */
import { readFileSync } from "node:fs";
import autocannon from "autocannon";
import { Pool } from "undici";

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

/** One request to send: what a scenario's next call looks like. */
interface Call {
  method: "GET" | "POST";
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** `GET /api/v1/app/me` in the bench org, with the token `token()` gives for each request. */
function meWith(req: SegmentRequest, token: () => string): () => Call {
  return () => ({ method: "GET", path: "/api/v1/app/me", headers: { authorization: `Bearer ${token()}`, "x-org": req.orgSlug } });
}

/** An Anthropic Messages call (non-streamed) with the key `key()` gives. */
function messagesWith(path: string, model: string, key: () => string, extra: Record<string, string> = {}): () => Call {
  const body = JSON.stringify({ model, max_tokens: 16, messages: [{ role: "user", content: "ping from the benchmark" }] });
  return () => ({
    method: "POST",
    path,
    body,
    headers: { "x-api-key": key(), "anthropic-version": "2023-06-01", "content-type": "application/json", ...extra },
  });
}

/** The scenario's calls, one fresh description per request. */
function callsFor(req: SegmentRequest): () => Call {
  const tokens = req.tokenFile ? (JSON.parse(readFileSync(req.tokenFile, "utf8")) as HotTokens) : null;
  switch (req.scenario) {
    case "baseline":
      return () => ({ method: "GET", path: "/api/health", headers: {} });
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
      return messagesWith("/api/gpt/v1/messages", req.gatewayModel, () => pick(list));
    }
    case "gpt_mock": {
      // The same call on the gateway whose upstream is the mock Anthropic server (--peer).
      const list = tokens!.mockGateway.slice(0, req.hotTokens);
      return messagesWith("/api/gpt/v1/messages", req.gatewayModel, () => pick(list));
    }
    case "portkey":
      // Portkey's gateway, routed to the same mock (its documented custom-host headers).
      return messagesWith("/v1/messages", req.gatewayModel, () => "mock-upstream-key", {
        "x-portkey-provider": "anthropic",
        "x-portkey-custom-host": req.peer!.customHost,
      });
    case "upstream":
      // The mock upstream itself: what a gateway adds is measured against this.
      return messagesWith("/v1/messages", req.gatewayModel, () => "mock-upstream-key");
  }
}

function summarizeLatencies(latencies: Float64Array, n: number) {
  const sorted = latencies.slice(0, n).sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  return {
    sorted,
    latency: {
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      mean: n ? sum / n : Number.NaN,
      max: n ? sorted[n - 1] : Number.NaN,
    },
  };
}

/** Closed loop: `connections` clients, each sending its next request as soon as the last is answered. */
async function runClosedLoop(req: SegmentRequest): Promise<SegmentResult> {
  const next = callsFor(req);
  const first = next();
  const requests: NonNullable<autocannon.Options["requests"]> = [
    {
      method: first.method,
      path: first.path,
      ...(first.body ? { body: first.body } : {}),
      setupRequest: (r) => {
        const call = next();
        return { ...r, method: call.method, path: call.path, headers: call.headers, ...(call.body ? { body: call.body } : {}) };
      },
    },
  ];
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
  const { sorted, latency } = summarizeLatencies(latencies, n);
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
    latency,
    loadgenCpuSeconds: (cpu.user + cpu.system) / 1e6,
    latencies: Buffer.from(Float32Array.from(sorted).buffer).toString("base64"),
  };
}

/**
 * Open loop at a fixed rate (`req.rate` per second), as wrk2 does: request i is
 * due at start + i/rate whatever happened to the ones before it, and its latency
 * counts from when it was due, so a stall shows up in the figures instead of
 * quietly slowing the sender down (coordinated omission). Up to `connections`
 * requests are in flight; past that they wait for a connection, and the wait counts.
 * With `bucketSec`, percentiles are also kept per bucket of due time (the soak's minutes).
 */
async function runPaced(req: SegmentRequest): Promise<SegmentResult> {
  const rate = req.rate!;
  const next = callsFor(req);
  const pool = new Pool(req.url, { connections: req.connections, pipelining: 1, keepAliveTimeout: 60_000 });
  const total = Math.round(rate * req.durationSec);
  const status: Record<string, number> = {};
  const latencies = new Float64Array(total);
  const dueAt = new Float64Array(total);
  let n = 0;
  let errors = 0;
  let timeouts = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let lastResponse = started;
  let sent = 0;

  const fire = (due: number) => {
    const call = next();
    pool
      .request({ method: call.method, path: call.path, headers: call.headers, body: call.body, headersTimeout: 30_000, bodyTimeout: 30_000 })
      .then(async (res) => {
        await res.body.dump();
        lastResponse = performance.now();
        status[res.statusCode] = (status[res.statusCode] ?? 0) + 1;
        dueAt[n] = due - started;
        latencies[n++] = lastResponse - due;
      })
      .catch((error: { code?: string }) => {
        if (error?.code === "UND_ERR_HEADERS_TIMEOUT" || error?.code === "UND_ERR_BODY_TIMEOUT") timeouts++;
        else errors++;
      })
      .finally(() => {
        if (n + errors + timeouts === total) finished();
      });
  };
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  // Timers fire about once a millisecond: each tick sends every request that has fallen due.
  const tick = () => {
    const due = Math.min(total, Math.floor(((performance.now() - started) * rate) / 1000) + 1);
    while (sent < due) fire(started + (sent++ * 1000) / rate);
    if (sent < total) setTimeout(tick, 1);
  };
  tick();
  await done;
  await pool.close();
  const cpu = process.cpuUsage(cpuBefore);
  const { sorted, latency } = summarizeLatencies(latencies, n);
  const elapsedSec = (lastResponse - started) / 1000;
  let buckets: SegmentResult["buckets"];
  if (req.bucketSec) {
    const groups = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const b = Math.floor(dueAt[i] / 1000 / req.bucketSec);
      let list = groups.get(b);
      if (!list) groups.set(b, (list = []));
      list.push(latencies[i]);
    }
    buckets = [...groups.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([b, list]) => ({ startSec: b * req.bucketSec!, responses: list.length, ...summarizeLatencies(Float64Array.from(list), list.length).latency }));
  }
  return {
    scenario: req.scenario,
    responses: n,
    status,
    errors,
    timeouts,
    elapsedSec,
    rps: n / elapsedSec,
    latency,
    loadgenCpuSeconds: (cpu.user + cpu.system) / 1e6,
    latencies: Buffer.from(Float32Array.from(sorted).buffer).toString("base64"),
    buckets,
  };
}

process.on("message", (message: SegmentRequest) => {
  (message.rate ? runPaced(message) : runClosedLoop(message)).then(
    (result) => process.send!({ ok: true, result }),
    (error: unknown) => process.send!({ ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error) }),
  );
});
process.on("disconnect", () => process.exit(0));
