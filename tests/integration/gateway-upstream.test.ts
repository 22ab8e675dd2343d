import Anthropic from "@anthropic-ai/sdk";
import type http from "node:http";
import { setTimeout as delay } from "node:timers/promises";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";


import { openAppDb, type AppDb } from "../support/app-db";
import { testDatabases } from "../support/databases";
import {
  allowLoopbackUpstreams,
  cannedMessage,
  cannedStreamEvents,
  createAnthropicGateway,
  createGatewayOrg,
  ensureAppSecret,
  gatewayCalls,
  issueGatewayToken,
  startFakeUpstream,
  startGatewayServer,
  usageCount,
  waitForGatewayCalls,
  type FakeUpstream,
  type ReceivedRequest,
} from "../support/gateway-api";
import type { RouteServer } from "../support/route-server";

ensureAppSecret();
allowLoopbackUpstreams();
// Short, so the idle-timeout test is quick; every chunk below arrives well within it.
process.env.KEYSMITH_UPSTREAM_TIMEOUT_MS = "2000";

const MODEL = "claude-test-1";
const UPSTREAM_KEY = "sk-upstream-test";
const CHUNK_GAP_MS = 150;

/** What the fake upstream should do with the next request. */
type Scenario =
  | { kind: "message"; text: string }
  | { kind: "stream"; pieces: string[]; gapMs: number; stallAfter?: number };

/**
 * The gateway in front of a real (fake) Anthropic-compatible upstream over
 * HTTP: credentials are swapped, requests are forwarded, answers and event
 * streams are passed through as they arrive, and usage is read from the
 * upstream's own figures.
 */
describe.each(testDatabases)("gateway API in front of an Anthropic-compatible upstream on $name", ({ name }) => {
  let app: AppDb;
  let server: RouteServer;
  let upstream: FakeUpstream;
  let client: Anthropic;
  let secret: string;
  let tokenId: string;
  let scenario: Scenario;
  /** When the fake wrote its last chunk of the current stream. */
  let lastChunkSentAt = 0;
  /** The headers of the SDK's last request (each SDK release sends its own anthropic-version). */
  let lastSdkHeaders = new Headers();

  async function respond(req: ReceivedRequest, res: http.ServerResponse) {
    if (req.path !== "/v1/messages") {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ type: "error", error: { type: "not_found_error", message: `fake: no ${req.path}` } }));
      return;
    }
    if (scenario.kind === "message") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(cannedMessage(MODEL, scenario.text)));
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.flushHeaders();
    const events = cannedStreamEvents(MODEL, scenario.pieces);
    for (let i = 0; i < events.length; i++) {
      if (res.destroyed) return;
      if (scenario.stallAfter !== undefined && i === scenario.stallAfter) {
        await delay(5_000); // far longer than the gateway's 2 s idle limit
        res.destroy();
        return;
      }
      // Split every event in two writes, so events straddle chunk boundaries.
      const cut = Math.floor(events[i].length / 2);
      res.write(events[i].slice(0, cut));
      await delay(5);
      res.write(events[i].slice(cut));
      lastChunkSentAt = Date.now();
      if (i < events.length - 1) await delay(scenario.gapMs);
    }
    res.end();
  }

  beforeAll(async () => {
    app = await openAppDb(name);
    server = await startGatewayServer();
    upstream = await startFakeUpstream((req, res) => respond(req, res));
    const o = await createGatewayOrg(app.prisma);
    const gateway = await createAnthropicGateway(app.prisma, o, upstream.url, { upstreamApiKey: UPSTREAM_KEY, models: [MODEL] });
    const issued = await issueGatewayToken(app.prisma, o, gateway.id);
    secret = issued.secret;
    tokenId = issued.token.id;
    client = new Anthropic({
      baseURL: `${server.url}/api/gpt`,
      apiKey: secret,
      maxRetries: 0,
      fetch: (input, init) => {
        lastSdkHeaders = new Headers(init?.headers);
        return fetch(input, init);
      },
    });
  });

  afterAll(async () => {
    await server?.close();
    await upstream?.close();
    await app?.close();
  });

  beforeEach(() => {
    upstream.received.length = 0;
  });

  function assertForwardedWithUpstreamCredentials(req: ReceivedRequest, sentVersion: string | null = lastSdkHeaders.get("anthropic-version")) {
    expect(req.method).toBe("POST");
    expect(req.path).toBe("/v1/messages");
    expect(req.headers["x-api-key"]).toBe(UPSTREAM_KEY);
    // The caller's anthropic-version (the SDK sends its own), or 2023-06-01 when it sent none.
    expect(req.headers["anthropic-version"]).toBe(sentVersion);
    expect(req.headers.authorization).toBeUndefined();
    // The caller's Keysmith token never leaves the console: not in any header, not in the body.
    const everything = [...req.rawHeaders, req.body].join("\n");
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(secret.slice(4, 20));
  }

  it("forwards a message with the gateway's upstream key, and returns the upstream's answer", async () => {
    scenario = { kind: "message", text: "Hello from the fake upstream." };
    const before = await usageCount(app.prisma, tokenId);

    const message = await client.messages.create({
      model: MODEL,
      max_tokens: 64,
      metadata: { user_id: "user-42" },
      messages: [{ role: "user", content: "Hi upstream" }],
    });

    expect(message).toMatchObject({ id: "msg_fake_0001", model: MODEL, stop_reason: "end_turn" });
    expect(message.content).toEqual([{ type: "text", text: "Hello from the fake upstream." }]);
    expect(message.usage).toMatchObject({ input_tokens: 21, output_tokens: 9 });

    expect(upstream.received).toHaveLength(1);
    const [req] = upstream.received;
    assertForwardedWithUpstreamCredentials(req);
    // Fields the gateway does not validate pass through unchanged.
    expect(JSON.parse(req.body)).toMatchObject({
      model: MODEL,
      max_tokens: 64,
      metadata: { user_id: "user-42" },
      messages: [{ role: "user", content: "Hi upstream" }],
    });

    expect(await usageCount(app.prisma, tokenId)).toBe(before + 1);
    expect((await gatewayCalls(app.prisma, tokenId)).at(-1)).toMatchObject({ model: MODEL, inputTokens: 21, outputTokens: 9 });
  });

  it("passes anthropic-beta through, and never the caller's Authorization header", async () => {
    scenario = { kind: "message", text: "beta" };
    const response = await fetch(`${server.url}/api/gpt/v1/messages`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${secret}`,
        "content-type": "application/json",
        "anthropic-version": "2023-06-01",
        "anthropic-beta": "some-beta-2025-01-01",
      },
      body: JSON.stringify({ model: MODEL, max_tokens: 8, messages: [{ role: "user", content: "x" }] }),
    });
    expect(response.status).toBe(200);
    const [req] = upstream.received;
    expect(req.headers["anthropic-beta"]).toBe("some-beta-2025-01-01");
    assertForwardedWithUpstreamCredentials(req, "2023-06-01");
  });

  it("sends anthropic-version 2023-06-01 upstream when the caller sent none", async () => {
    scenario = { kind: "message", text: "versioned" };
    const response = await fetch(`${server.url}/api/gpt/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": secret, "content-type": "application/json" },
      body: JSON.stringify({ model: MODEL, max_tokens: 8, messages: [{ role: "user", content: "x" }] }),
    });
    expect(response.status).toBe(200);
    assertForwardedWithUpstreamCredentials(upstream.received[0], "2023-06-01");
  });

  it("passes a slow event stream through as it arrives (no buffering), and records the upstream's usage", async () => {
    const pieces = ["One ", "piece ", "at ", "a ", "time, ", "please."];
    scenario = { kind: "stream", pieces, gapMs: CHUNK_GAP_MS };
    const before = await usageCount(app.prisma, tokenId);
    const callsBefore = (await gatewayCalls(app.prisma, tokenId)).length;

    const started = Date.now();
    const stream = await client.messages.create({ model: MODEL, max_tokens: 64, messages: [{ role: "user", content: "stream it" }], stream: true });
    const arrivals: Array<{ type: string; at: number }> = [];
    let text = "";
    for await (const event of stream) {
      arrivals.push({ type: event.type, at: Date.now() });
      if (event.type === "content_block_delta" && event.delta.type === "text_delta") text += event.delta.text;
    }
    const ended = Date.now();

    expect(text).toBe(pieces.join(""));
    expect(arrivals.map((a) => a.type)).toEqual([
      "message_start",
      "content_block_start",
      ...pieces.map(() => "content_block_delta"),
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    const firstDelta = arrivals.find((a) => a.type === "content_block_delta")!.at;
    // The upstream spends (events - 1) × 150 ms ≈ 1.5 s sending; a pass-through shows the first
    // delta long before the end, a buffering proxy would deliver everything at once.
    expect(ended - started).toBeGreaterThan(9 * CHUNK_GAP_MS);
    expect(firstDelta).toBeLessThan(lastChunkSentAt);
    expect(ended - firstDelta).toBeGreaterThan(5 * CHUNK_GAP_MS);
    // And deltas arrive spread out, not in one burst.
    const deltaTimes = arrivals.filter((a) => a.type === "content_block_delta").map((a) => a.at);
    expect(deltaTimes.at(-1)! - deltaTimes[0]).toBeGreaterThan(3 * CHUNK_GAP_MS);

    const [req] = upstream.received;
    assertForwardedWithUpstreamCredentials(req);
    expect(JSON.parse(req.body)).toMatchObject({ stream: true });

    expect(await usageCount(app.prisma, tokenId)).toBe(before + 1);
    const calls = await waitForGatewayCalls(app.prisma, tokenId, callsBefore + 1);
    expect(calls).toHaveLength(callsBefore + 1);
    expect(calls.at(-1)).toMatchObject({ model: MODEL, inputTokens: 33, outputTokens: 17 });
  });

  it("messages.stream() over the upstream yields the same final text", async () => {
    scenario = { kind: "stream", pieces: ["Final ", "text."], gapMs: 20 };
    const callsBefore = (await gatewayCalls(app.prisma, tokenId)).length;
    const final = await client.messages.stream({ model: MODEL, max_tokens: 64, messages: [{ role: "user", content: "go" }] }).finalMessage();
    expect(final.content).toEqual([{ type: "text", text: "Final text." }]);
    expect(final.usage.output_tokens).toBe(17);
    // A stream's call is recorded when it ends, after the client may be done: wait, so the
    // record cannot land in the next test's count.
    expect(await waitForGatewayCalls(app.prisma, tokenId, callsBefore + 1)).toHaveLength(callsBefore + 1);
  });

  // Regression: the upstream deadline used to stay bound to the response body, cutting off
  // a stream once its total duration passed the timeout however steadily chunks arrived.
  it("lets a stream run longer than the upstream timeout while chunks keep arriving", async () => {
    const pieces = Array.from({ length: 16 }, (_, i) => `p${i} `);
    scenario = { kind: "stream", pieces, gapMs: CHUNK_GAP_MS }; // 21 events × 150 ms ≈ 3.1 s > 2 s, gaps ≪ 2 s
    const callsBefore = (await gatewayCalls(app.prisma, tokenId)).length;
    const final = await client.messages.stream({ model: MODEL, max_tokens: 64, messages: [{ role: "user", content: "long" }] }).finalMessage();
    expect(final.content).toEqual([{ type: "text", text: pieces.join("") }]);
    expect(await waitForGatewayCalls(app.prisma, tokenId, callsBefore + 1)).toHaveLength(callsBefore + 1); // see above
  }, 15_000);

  it("cuts a stream whose upstream goes silent for longer than the idle limit", async () => {
    scenario = { kind: "stream", pieces: ["a ", "b ", "c "], gapMs: 10, stallAfter: 3 };
    const callsBefore = (await gatewayCalls(app.prisma, tokenId)).length;
    const started = Date.now();
    const stream = client.messages.stream({ model: MODEL, max_tokens: 64, messages: [{ role: "user", content: "stall" }] });
    await expect(stream.finalMessage()).rejects.toThrow();
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThan(1_500);
    expect(elapsed).toBeLessThan(4_000);
    // The cut call is still recorded, with what was seen before the stall.
    const calls = await waitForGatewayCalls(app.prisma, tokenId, callsBefore + 1);
    expect(calls.at(-1)).toMatchObject({ inputTokens: 33, outputTokens: 0 });
  }, 15_000);
});
