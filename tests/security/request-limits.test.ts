import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { me as meRoute, project as projectRoute, projects as projectsRoute, tokens as tokensRoute } from "@/lib/api/routes/workspace";
import type { ApiPermission } from "@/lib/authz";
import { issueToken } from "@/lib/tokens/service";

import { openAppDb, type AppDb } from "../support/app-db";
import { testDatabases } from "../support/databases";
import { uniq } from "../support/fixtures";
import {
  cannedMessage,
  createAnthropicGateway,
  createEchoGateway,
  createGatewayOrg,
  allowLoopbackUpstreams,
  ensureAppSecret,
  GATEWAY_ROUTES,
  gatewayCalls,
  startFakeUpstream,
  usageCount,
  type FakeUpstream,
  type GatewayOrg,
  issueGatewayToken,
} from "../support/gateway-api";
import { read } from "../support/guard-rails";
import { startRouteServer, type RouteServer } from "../support/route-server";
import { peakRssMb, upload } from "../support/upload";

ensureAppSecret();
// The upstream gateway below talks to a fake on 127.0.0.1, opted in as a self-hoster would.
allowLoopbackUpstreams();

/**
 * One request must not take the server down: every API route that reads a body,
 * on a real socket, against bodies that are too large (200 MB), nested too deep,
 * of the wrong media type, or malformed. Each is refused with a 4xx in the one
 * error shape, changes nothing, and the server keeps answering.
 */

const MB = 1024 * 1024;
const ALL: ApiPermission[] = ["projects:read", "projects:write", "tokens:read", "tokens:create", "tokens:delete", "members:read"];
const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

/** An API route that reads a body, as one caller sees it. */
interface Target {
  label: string;
  method: "POST" | "PATCH";
  path(): string;
  headers(): Record<string, string>;
  /** A body the route accepts (a fresh name each time). */
  valid(): unknown;
  /** Opens a string the huge uploads then fill and never close. */
  prefix: string;
  /** A document nested `depth` deep, where the route's schema would let it through if it has such a place. */
  deep(depth: number): string;
  /** What a refused request must leave unchanged. */
  state(): Promise<unknown>;
}

describe.each(testDatabases)("request limits on $name", ({ name }) => {
  let app: AppDb;
  let server: RouteServer;
  let upstream: FakeUpstream;
  let o: GatewayOrg;
  let gatewaySecret: string;
  let gatewayTokenId: string;
  let upstreamSecret: string;
  let workspaceSecret: string;
  let projectId: string;

  beforeAll(async () => {
    app = await openAppDb(name);
    server = await startRouteServer({
      ...GATEWAY_ROUTES,
      "/api/v1/app/me": { GET: meRoute.GET },
      "/api/v1/app/projects": { POST: projectsRoute.POST },
      "/api/v1/app/projects/[id]": { PATCH: projectRoute.PATCH },
      "/api/v1/app/tokens": { POST: tokensRoute.POST },
    });
    upstream = await startFakeUpstream((req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(cannedMessage("claude-test-1", "upstream answer")));
    });
    o = await createGatewayOrg(app.prisma);
    const echo = await createEchoGateway(app.prisma, o);
    const issued = await issueGatewayToken(app.prisma, o, echo.id);
    gatewaySecret = issued.secret;
    gatewayTokenId = issued.token.id;
    upstreamSecret = (await issueGatewayToken(app.prisma, o, (await createAnthropicGateway(app.prisma, o, upstream.url)).id)).secret;
    workspaceSecret = (
      await issueToken(app.prisma, o.meta, { kind: "WORKSPACE", name: `limits-${uniq()}`, permissions: ALL, expiresAt: null, createdById: o.admin.id })
    ).secret;
    projectId = (await app.prisma.project.create({ data: { orgId: o.org.id, name: `limits-${uniq()}` } })).id;
  });

  afterAll(async () => {
    await server?.close();
    await upstream?.close();
    await app?.close();
  });

  const workspace = () => ({ authorization: `Bearer ${workspaceSecret}`, "x-org": o.org.slug });
  const projects = () => app.prisma.project.findMany({ where: { orgId: o.org.id }, orderBy: { id: "asc" } });
  const tokens = () => app.prisma.token.count({ where: { orgId: o.org.id } });
  const nameWithDeepExtra = (depth: number) => `{"name":"deep-${uniq()}","extra":${nested(depth)}}`;

  const targets: Target[] = [
    {
      label: "POST /api/gpt/v1/messages (echo gateway)",
      method: "POST",
      path: () => "/api/gpt/v1/messages",
      headers: () => ({ "x-api-key": gatewaySecret, "anthropic-version": "2023-06-01" }),
      valid: () => ({ model: "keysmith-echo-1", max_tokens: 16, messages: [{ role: "user", content: "still here" }] }),
      prefix: '{"model":"keysmith-echo-1","max_tokens":16,"messages":[{"role":"user","content":"',
      // Unknown fields pass through to the upstream, so only the depth limit stops this one.
      deep: (depth) => `{"model":"keysmith-echo-1","max_tokens":16,"messages":[{"role":"user","content":"hi","deep":${nested(depth)}}]}`,
      state: async () => [await usageCount(app.prisma, gatewayTokenId), (await gatewayCalls(app.prisma, gatewayTokenId)).length],
    },
    {
      label: "POST /api/v1/app/projects",
      method: "POST",
      path: () => "/api/v1/app/projects",
      headers: workspace,
      valid: () => ({ name: `ok-${uniq()}` }),
      prefix: '{"name":"',
      deep: nameWithDeepExtra,
      state: projects,
    },
    {
      label: "PATCH /api/v1/app/projects/{id}",
      method: "PATCH",
      path: () => `/api/v1/app/projects/${projectId}`,
      headers: workspace,
      valid: () => ({ name: `renamed-${uniq()}` }),
      prefix: '{"name":"',
      deep: nameWithDeepExtra,
      state: projects,
    },
    {
      label: "POST /api/v1/app/tokens",
      method: "POST",
      path: () => "/api/v1/app/tokens",
      headers: workspace,
      valid: () => ({ name: `ok-${uniq()}`, permissions: ["projects:read"] }),
      prefix: '{"permissions":["projects:read"],"name":"',
      deep: (depth) => `{"name":"deep-${uniq()}","permissions":["projects:read"],"extra":${nested(depth)}}`,
      state: tokens,
    },
  ];
  const named = targets.slice(1);

  async function call(t: Target, body: BodyInit, contentType = "application/json") {
    return read(await fetch(server.url + t.path(), { method: t.method, headers: { ...t.headers(), "content-type": contentType }, body }));
  }

  /** The route still works, on a new connection. */
  async function expectStillAnswering(t: Target) {
    const r = await call(t, JSON.stringify(t.valid()));
    expect(r.status, r.text).toBeLessThan(300);
  }

  function expectError(r: { status: number; text: string }, status: number, type: string, message?: RegExp) {
    expect(r.status, r.text).toBe(status);
    const body = JSON.parse(r.text) as { type: string; error: { type: string; message: string } };
    expect(body).toEqual({ type: "error", error: { type, message: expect.any(String) } });
    if (message) expect(body.error.message).toMatch(message);
  }

  describe.each(targets)("$label", (t) => {
    it.each([
      { how: "chunked: counted as it streams in", declareLength: false },
      { how: "with its content-length declared: refused before reading", declareLength: true },
    ])("200 MB ($how) → 413 request_too_large, connection closed, nothing changed, memory flat, the server answers the next call", async ({ declareLength }) => {
      const before = await t.state();
      const peakBefore = peakRssMb();
      const r = await upload(server.url + t.path(), {
        method: t.method,
        headers: { ...t.headers(), "content-type": "application/json" },
        totalBytes: 200 * MB,
        prefix: t.prefix,
        declareLength,
      });
      expectError(r, 413, "request_too_large", /larger than the limit of \d+ MiB/);
      expect(r.headers.connection).toBe("close");
      // The client was stopped long before 200 MB, and the server held no more than its cap.
      expect(r.sentBytes).toBeLessThan(100 * MB);
      expect(peakRssMb() - peakBefore).toBeLessThan(160);
      expect(await t.state()).toEqual(before);
      await expectStillAnswering(t);
    });

    it("a 5,000-deep JSON document → 400 naming the depth limit, nothing changed", async () => {
      const before = await t.state();
      expectError(await call(t, t.deep(5_000)), 400, "invalid_request_error", /deeper than 64 levels/);
      expect(await t.state()).toEqual(before);
    });

    it("a valid JSON body sent as text/plain → 415, nothing changed", async () => {
      const before = await t.state();
      expectError(await call(t, JSON.stringify(t.valid()), "text/plain"), 415, "invalid_request_error", /application\/json/);
      expect(await t.state()).toEqual(before);
    });

    it.each([
      ["an empty body", () => ""],
      ["null", () => "null"],
      ["an array", () => "[]"],
      ["truncated JSON", () => '{"name":'],
      ["an unterminated string", () => `"${"a".repeat(1_000)}`],
      ["a number out of range", () => '{"max_tokens":1e400,"name":1e400}'],
      ["invalid UTF-8", () => new Uint8Array([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0x22, 0x7d])],
      // Deep enough to overflow the stack of any recursive walk (JSON.stringify overflows near 5,000 on Node 20).
      ["200,000-deep arrays where the schema lets them through", () => t.deep(200_000)],
    ])("%s → a 4xx in the error shape, never a 5xx", async (_, body) => {
      const before = await t.state();
      const r = await call(t, body());
      expect(r.status, r.text).toBeGreaterThanOrEqual(400);
      expect(r.status, r.text).toBeLessThan(500);
      expect(r.json).toEqual({ type: "error", error: { type: "invalid_request_error", message: expect.any(String) } });
      expect(await t.state()).toEqual(before);
    });
  });

  describe.each(named)("$label: names with invisible or invalid characters", (t) => {
    it.each([
      ["a NUL", "bad\u0000name", "U\\+0000"],
      ["a right-to-left override", "invoice\u202Etxt.exe", "U\\+202E"],
      ["a zero-width space", "ad\u200Bmin", "U\\+200B"],
      ["a lone surrogate", "half \uD83D emoji", "lone surrogate"],
      ["the replacement character", "caf\uFFFD", "U\\+FFFD"],
    ])("%s → 400 naming the field, nothing created or renamed", async (_, name, what) => {
      const before = await t.state();
      const body = JSON.stringify({ ...(t.valid() as object), name });
      expectError(await call(t, body), 400, "invalid_request_error", new RegExp(`^Invalid field "name": .*${what}`));
      expect(await t.state()).toEqual(before);
    });
  });

  describe("the gateway's cap", () => {
    const gatewayTarget = targets[0];
    const message = (bytes: number) =>
      JSON.stringify({ model: "keysmith-echo-1", max_tokens: 16, messages: [{ role: "user", content: "a".repeat(bytes) }] });

    it("is 32 MiB by default: a 2 MiB request (over the Workspace API's 1 MiB) is answered", async () => {
      const r = await call(gatewayTarget, message(2 * MB));
      expect(r.status, r.text.slice(0, 200)).toBe(200);
    });

    it("comes from KEYSMITH_GATEWAY_MAX_BODY_BYTES, read on every call; a value that is not a positive integer keeps the default", async () => {
      const saved = process.env.KEYSMITH_GATEWAY_MAX_BODY_BYTES;
      try {
        process.env.KEYSMITH_GATEWAY_MAX_BODY_BYTES = "4096";
        expectError(await call(gatewayTarget, message(5_000)), 413, "request_too_large", /limit of 4096 bytes/);
        expect((await call(gatewayTarget, message(1_000))).status).toBe(200);
        for (const invalid of ["", "lots", "-1", "0", "1.5"]) {
          process.env.KEYSMITH_GATEWAY_MAX_BODY_BYTES = invalid;
          expect((await call(gatewayTarget, message(2 * MB))).status, `with "${invalid}"`).toBe(200);
        }
      } finally {
        if (saved === undefined) delete process.env.KEYSMITH_GATEWAY_MAX_BODY_BYTES;
        else process.env.KEYSMITH_GATEWAY_MAX_BODY_BYTES = saved;
      }
    });
  });

  it("POST /api/gpt/v1/messages on an upstream gateway: a 5,000-deep document → 400, and the upstream never hears of it", async () => {
    const deep = `{"model":"claude-test-1","max_tokens":16,"messages":[{"role":"user","content":"hi"}],"metadata":${nested(5_000)}}`;
    const r = read(
      await fetch(`${server.url}/api/gpt/v1/messages`, {
        method: "POST",
        headers: { "x-api-key": upstreamSecret, "anthropic-version": "2023-06-01", "content-type": "application/json" },
        body: deep,
      }),
    );
    expectError(await r, 400, "invalid_request_error", /deeper than 64 levels/);
    expect(upstream.received).toHaveLength(0);
  });
});
