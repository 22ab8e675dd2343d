import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { generateToken } from "@/lib/tokens/format";
import { revokeToken, setTokenActive } from "@/lib/tokens/service";

import { openAppDb, type AppDb } from "../support/app-db";
import { testDatabases } from "../support/databases";
import { issueWorkspaceToken } from "../support/fixtures";
import {
  allowLoopbackUpstreams,
  closedPortUrl,
  createAnthropicGateway,
  createEchoGateway,
  createGatewayOrg,
  ensureAppSecret,
  gatewayCalls,
  issueGatewayToken,
  issueOrganizationToken,
  rawCall,
  startFakeUpstream,
  startGatewayServer,
  startHangingServer,
  usageCount,
  type FakeUpstream,
  type GatewayOrg,
} from "../support/gateway-api";
import type { RouteServer } from "../support/route-server";

ensureAppSecret();
allowLoopbackUpstreams();
process.env.KEYSMITH_UPSTREAM_TIMEOUT_MS = "2000";

const ECHO_MODEL = "keysmith-echo-1";
const MESSAGES = "/api/gpt/v1/messages";
const validBody = (model = ECHO_MODEL) => ({ model, max_tokens: 16, messages: [{ role: "user", content: "hello" }] });

/** Every gateway API error is Anthropic's shape: {type: "error", error: {type, message}}. */
function expectAnthropicError(json: unknown, type: string, message?: RegExp | string) {
  expect(json).toEqual({ type: "error", error: { type, message: expect.any(String) } });
  if (message) expect((json as { error: { message: string } }).error.message).toMatch(message);
}

describe.each(testDatabases)("gateway API errors on $name", ({ name }) => {
  let app: AppDb;
  let server: RouteServer;
  let o: GatewayOrg;
  let echo: { id: string; slug: string };
  let echoSecret: string;
  let echoTokenId: string;

  beforeAll(async () => {
    app = await openAppDb(name);
    server = await startGatewayServer();
    o = await createGatewayOrg(app.prisma);
    echo = await createEchoGateway(app.prisma, o);
    const issued = await issueGatewayToken(app.prisma, o, echo.id);
    echoSecret = issued.secret;
    echoTokenId = issued.token.id;
  });

  afterAll(async () => {
    await server?.close();
    await app?.close();
  });

  /** Runs `call` and asserts the token's usage count and recorded calls did not move. */
  async function expectNotCounted<T>(tokenId: string, call: () => Promise<T>): Promise<T> {
    const before = await usageCount(app.prisma, tokenId);
    const callsBefore = (await gatewayCalls(app.prisma, tokenId)).length;
    const result = await call();
    expect(await usageCount(app.prisma, tokenId)).toBe(before);
    expect(await gatewayCalls(app.prisma, tokenId)).toHaveLength(callsBefore);
    return result;
  }

  describe("requests the gateway refuses", () => {
    it("a model outside the allowed list → 400 invalid_request_error naming the model", async () => {
      const r = await expectNotCounted(echoTokenId, () => rawCall(server.url, MESSAGES, { token: echoSecret, body: validBody("claude-opus-9") }));
      expect(r.status).toBe(400);
      expectAnthropicError(r.json, "invalid_request_error", /claude-opus-9/);

      // The SDK surfaces it as its own BadRequestError.
      const client = new Anthropic({ baseURL: `${server.url}/api/gpt`, apiKey: echoSecret, maxRetries: 0 });
      const error = await client.messages.create(validBody("claude-opus-9") as Anthropic.MessageCreateParamsNonStreaming).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Anthropic.BadRequestError);
      expect((error as InstanceType<typeof Anthropic.BadRequestError>).status).toBe(400);
    });

    it("bad JSON → 400", async () => {
      const r = await expectNotCounted(echoTokenId, () => rawCall(server.url, MESSAGES, { token: echoSecret, body: '{"model": "keysmith-echo-1",' }));
      expect(r.status).toBe(400);
      expectAnthropicError(r.json, "invalid_request_error", /JSON/);
    });

    it("missing max_tokens → 400 naming the field", async () => {
      const { max_tokens: _omitted, ...body } = validBody();
      void _omitted;
      const r = await expectNotCounted(echoTokenId, () => rawCall(server.url, MESSAGES, { token: echoSecret, body }));
      expect(r.status).toBe(400);
      expectAnthropicError(r.json, "invalid_request_error", /max_tokens/);
    });

    it("empty messages → 400 naming the field", async () => {
      const r = await rawCall(server.url, MESSAGES, { token: echoSecret, body: { ...validBody(), messages: [] } });
      expect(r.status).toBe(400);
      expectAnthropicError(r.json, "invalid_request_error", /messages/);
    });

    it("an unknown path under /api/gpt/v1 → JSON 404", async () => {
      for (const method of ["GET", "POST"]) {
        const r = await rawCall(server.url, "/api/gpt/v1/nope", { method, token: echoSecret, body: method === "POST" ? {} : undefined });
        expect(r.status).toBe(404);
        expect(r.headers.get("content-type")).toMatch(/application\/json/);
        expectAnthropicError(r.json, "not_found_error");
      }
    });
  });

  describe("authentication and authorization", () => {
    it("a garbage token, a well-formed unknown one, and none → 401 with one message (no oracle)", async () => {
      const garbage = await rawCall(server.url, MESSAGES, { token: "not-a-token", body: validBody() });
      const unknown = await rawCall(server.url, MESSAGES, { token: generateToken("GATEWAY"), body: validBody() });
      const none = await rawCall(server.url, MESSAGES, { body: validBody() });
      for (const r of [garbage, unknown, none]) {
        expect(r.status).toBe(401);
        expectAnthropicError(r.json, "authentication_error");
      }
      expect(new Set([garbage.text, unknown.text, none.text]).size).toBe(1);

      const client = new Anthropic({ baseURL: `${server.url}/api/gpt`, apiKey: "not-a-token", maxRetries: 0 });
      await expect(client.messages.create(validBody() as Anthropic.MessageCreateParamsNonStreaming)).rejects.toBeInstanceOf(
        Anthropic.AuthenticationError,
      );
    });

    it("a revoked gateway token → 401, same message as garbage", async () => {
      const { token, secret } = await issueGatewayToken(app.prisma, o, echo.id);
      expect((await rawCall(server.url, MESSAGES, { token: secret, body: validBody() })).status).toBe(200);
      await revokeToken(app.prisma, o.meta, token.id);

      const r = await expectNotCounted(token.id, () => rawCall(server.url, MESSAGES, { token: secret, body: validBody() }));
      expect(r.status).toBe(401);
      expectAnthropicError(r.json, "authentication_error");
      const garbage = await rawCall(server.url, MESSAGES, { token: "garbage", body: validBody() });
      expect(r.text).toBe(garbage.text);
    });

    it("a deactivated gateway token → 401 until it is activated again", async () => {
      const { token, secret } = await issueGatewayToken(app.prisma, o, echo.id);
      await setTokenActive(app.prisma, o.meta, token.id, false);
      const r = await expectNotCounted(token.id, () => rawCall(server.url, MESSAGES, { token: secret, body: validBody() }));
      expect(r.status).toBe(401);
      expectAnthropicError(r.json, "authentication_error");

      await setTokenActive(app.prisma, o.meta, token.id, true);
      expect((await rawCall(server.url, MESSAGES, { token: secret, body: validBody() })).status).toBe(200);
      expect(await usageCount(app.prisma, token.id)).toBe(1);
    });

    it("a gateway token naming another gateway with x-gateway → 403", async () => {
      const other = await createEchoGateway(app.prisma, o);
      const r = await expectNotCounted(echoTokenId, () =>
        rawCall(server.url, MESSAGES, { token: echoSecret, headers: { "x-gateway": other.slug }, body: validBody() }),
      );
      expect(r.status).toBe(403);
      expectAnthropicError(r.json, "permission_error", /another gateway/);
      // Naming its own gateway is fine.
      const own = await rawCall(server.url, MESSAGES, { token: echoSecret, headers: { "x-gateway": echo.slug }, body: validBody() });
      expect(own.status).toBe(200);
    });

    it("a workspace token (valid, wrong kind) → 403", async () => {
      const { token, secret } = await issueWorkspaceToken(app.prisma, o);
      for (const path of [MESSAGES, "/api/gpt/v1/models"]) {
        const r = await expectNotCounted(token.id, () => rawCall(server.url, path, { token: secret, body: path === MESSAGES ? validBody() : undefined }));
        expect(r.status).toBe(403);
        expectAnthropicError(r.json, "permission_error");
      }
    });

    it("an organization token (DEVELOPER) works with x-gateway: <slug>, is 400 without it and 404 for an unknown slug", async () => {
      const { token, secret } = await issueOrganizationToken(app.prisma, o, "DEVELOPER");

      const without = await expectNotCounted(token.id, () => rawCall(server.url, MESSAGES, { token: secret, body: validBody() }));
      expect(without.status).toBe(400);
      expectAnthropicError(without.json, "invalid_request_error", /x-gateway/);

      const unknown = await expectNotCounted(token.id, () =>
        rawCall(server.url, MESSAGES, { token: secret, headers: { "x-gateway": "no-such-gateway" }, body: validBody() }),
      );
      expect(unknown.status).toBe(404);
      expectAnthropicError(unknown.json, "not_found_error", /no-such-gateway/);

      const before = await usageCount(app.prisma, token.id);
      const client = new Anthropic({
        baseURL: `${server.url}/api/gpt`,
        apiKey: secret,
        maxRetries: 0,
        defaultHeaders: { "x-gateway": echo.slug },
      });
      const message = await client.messages.create({ model: ECHO_MODEL, max_tokens: 16, messages: [{ role: "user", content: "via org token" }] });
      expect(message.content).toEqual([{ type: "text", text: "via org token" }]);
      expect(await usageCount(app.prisma, token.id)).toBe(before + 1);
      expect((await gatewayCalls(app.prisma, token.id)).at(-1)).toMatchObject({ route: "/api/gpt/v1/messages", status: 200, model: "keysmith-echo-1" });
    });

    it("an organization token cannot reach another organization's gateway", async () => {
      const otherOrg = await createGatewayOrg(app.prisma);
      const theirs = await createEchoGateway(app.prisma, otherOrg);
      const { secret } = await issueOrganizationToken(app.prisma, o, "DEVELOPER");
      const r = await rawCall(server.url, MESSAGES, { token: secret, headers: { "x-gateway": theirs.slug }, body: validBody() });
      expect(r.status).toBe(404);
      expectAnthropicError(r.json, "not_found_error");
    });
  });

  describe("upstream failures", () => {
    let fake: FakeUpstream;
    let fakeStatus: { status: number; headers?: Record<string, string>; body: unknown };

    beforeAll(async () => {
      fake = await startFakeUpstream((_req, res) => {
        res.writeHead(fakeStatus.status, { "content-type": "application/json", ...fakeStatus.headers });
        res.end(typeof fakeStatus.body === "string" ? fakeStatus.body : JSON.stringify(fakeStatus.body));
      });
    });

    afterAll(async () => {
      await fake?.close();
    });

    async function tokenFor(upstreamBaseUrl: string, upstreamApiKey = "sk-upstream-test") {
      const gateway = await createAnthropicGateway(app.prisma, o, upstreamBaseUrl, { upstreamApiKey, models: ["claude-test-1"] });
      return issueGatewayToken(app.prisma, o, gateway.id);
    }

    const upstreamBody = validBody("claude-test-1");

    it("an upstream nobody listens on → 502 quickly", async () => {
      const { token, secret } = await tokenFor(await closedPortUrl());
      const started = Date.now();
      const r = await expectNotCounted(token.id, () => rawCall(server.url, MESSAGES, { token: secret, body: upstreamBody }));
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(r.status).toBe(502);
      expectAnthropicError(r.json, "api_error", /could not be reached/);
    });

    it("an upstream that never answers → 504 after the 2 s timeout", async () => {
      const hanging = await startHangingServer();
      try {
        const { token, secret } = await tokenFor(hanging.url);
        const started = Date.now();
        const r = await expectNotCounted(token.id, () => rawCall(server.url, MESSAGES, { token: secret, body: upstreamBody }));
        const elapsed = Date.now() - started;
        expect(r.status).toBe(504);
        expectAnthropicError(r.json, "api_error", /in time/);
        expect(elapsed).toBeGreaterThanOrEqual(1_900);
        expect(elapsed).toBeLessThan(3_000);
      } finally {
        await hanging.close();
      }
    });

    it("an upstream refusing the gateway's key (401) → 502, not the caller's 401", async () => {
      fakeStatus = { status: 401, body: { type: "error", error: { type: "authentication_error", message: "invalid x-api-key" } } };
      const { token, secret } = await tokenFor(fake.url, "sk-wrong-key");
      const r = await expectNotCounted(token.id, () => rawCall(server.url, MESSAGES, { token: secret, body: upstreamBody }));
      expect(r.status).toBe(502);
      expectAnthropicError(r.json, "api_error", /credentials/);
      expect(fake.received.at(-1)?.headers["x-api-key"]).toBe("sk-wrong-key");

      const client = new Anthropic({ baseURL: `${server.url}/api/gpt`, apiKey: secret, maxRetries: 0 });
      const error = await client.messages.create(upstreamBody as Anthropic.MessageCreateParamsNonStreaming).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Anthropic.InternalServerError);
      expect(error).not.toBeInstanceOf(Anthropic.AuthenticationError);
    });

    it("an upstream 429 with retry-after → 429 with the same retry-after", async () => {
      fakeStatus = {
        status: 429,
        headers: { "retry-after": "17" },
        body: { type: "error", error: { type: "rate_limit_error", message: "slow down" } },
      };
      const { token, secret } = await tokenFor(fake.url);
      const r = await expectNotCounted(token.id, () => rawCall(server.url, MESSAGES, { token: secret, body: upstreamBody }));
      expect(r.status).toBe(429);
      expect(r.headers.get("retry-after")).toBe("17");
      // A fixed message: the upstream's own text ("slow down") never reaches the caller.
      expectAnthropicError(r.json, "rate_limit_error", /rate limiting/);
      expect(r.text).not.toContain("slow down");

      const client = new Anthropic({ baseURL: `${server.url}/api/gpt`, apiKey: secret, maxRetries: 0 });
      await expect(client.messages.create(upstreamBody as Anthropic.MessageCreateParamsNonStreaming)).rejects.toBeInstanceOf(Anthropic.RateLimitError);
    });

    it("an upstream 529 (overloaded) → 503 overloaded_error", async () => {
      fakeStatus = { status: 529, body: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } } };
      const { token, secret } = await tokenFor(fake.url);
      const r = await expectNotCounted(token.id, () => rawCall(server.url, MESSAGES, { token: secret, body: upstreamBody }));
      expect(r.status).toBe(503);
      expectAnthropicError(r.json, "overloaded_error");
    });

    it("an upstream 200 whose body is not JSON → a 5xx in Anthropic's shape, not counted", async () => {
      fakeStatus = { status: 200, body: "<html>oops</html>" };
      const { token, secret } = await tokenFor(fake.url);
      const r = await expectNotCounted(token.id, () => rawCall(server.url, MESSAGES, { token: secret, body: upstreamBody }));
      expect(r.status).toBeGreaterThanOrEqual(500);
      expect(r.json).toMatchObject({ type: "error", error: { type: "api_error" } });
      expect(r.text).not.toContain("oops");
    });

    // Regression: a non-JSON 200 from the upstream used to escape as a generic 500.
    it("an upstream 200 whose body is not JSON → 502", async () => {
      fakeStatus = { status: 200, body: "<html>oops</html>" };
      const { secret } = await tokenFor(fake.url);
      const r = await rawCall(server.url, MESSAGES, { token: secret, body: upstreamBody });
      expect(r.status).toBe(502);
    });
  });
});
