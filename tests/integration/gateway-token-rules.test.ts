/**
 * A gateway token's own rules (docs/contract.md §7) on the gateway API, over a real
 * socket (tests/support/route-server.ts) against the app's own db(): its
 * model allowlist, its monthly input+output token budget, and the rate limit
 * and IP allowlist every token kind has.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { TokenRules } from "@/lib/schemas/tokens";
import { monthStart, nextMonthStart } from "@/lib/time";
import { DomainError } from "@/lib/errors";
import { issueToken, tokenView, updateTokenRules } from "@/lib/tokens/service";
import { GATHER_MS, REFRESH_MS } from "@/lib/gateways/budget";
import { flushUsage } from "@/lib/tokens/usage";

import { openAppDb, type AppDb } from "../support/app-db";
import { testDatabases } from "../support/databases";
import { uniq } from "../support/fixtures";
import {
  createEchoGateway,
  createGatewayOrg,
  ensureAppSecret,
  gatewayCalls,
  modelTokens,
  issueOrganizationToken,
  rawCall,
  startGatewayServer,
  usageCount,
  type GatewayOrg,
} from "../support/gateway-api";
import { expectApiError, rateHeadersOf, roomInThisMinute, rules } from "../support/guard-rails";
import type { RouteServer } from "../support/route-server";

ensureAppSecret();

const MESSAGES = "/api/gpt/v1/messages";
const MODELS = "/api/gpt/v1/models";
const MODEL_A = "model-a";
const MODEL_B = "model-b";

/** A Messages request; the echo upstream counts ⌈characters / 4⌉ tokens in and out. */
const body = (model: string, text = "hello", stream = false) => ({ model, max_tokens: 64, stream, messages: [{ role: "user", content: text }] });

describe.each(testDatabases)("gateway token rules on $name", ({ name }) => {
  let app: AppDb;
  let prisma: PrismaClient;
  let server: RouteServer;
  let o: GatewayOrg;
  let gateway: { id: string; slug: string };

  beforeAll(async () => {
    app = await openAppDb(name);
    prisma = app.prisma;
    server = await startGatewayServer();
    o = await createGatewayOrg(prisma);
    gateway = await createEchoGateway(prisma, o, [MODEL_A, MODEL_B]);
  });

  afterAll(async () => {
    await server?.close();
    await app?.close();
  });

  async function issue(tokenRules?: TokenRules, gatewayId = gateway.id) {
    const { token, secret } = await issueToken(prisma, o.meta, {
      kind: "GATEWAY",
      name: `gw-${uniq()}`,
      gatewayId,
      expiresAt: null,
      createdById: o.admin.id,
      rules: tokenRules,
    });
    return { id: token.id, secret, view: token };
  }

  const send = (secret: string, model: string, text?: string, stream?: boolean) => rawCall(server.url, MESSAGES, { token: secret, body: body(model, text, stream) });
  const sumOfCalls = (tokenId: string) => modelTokens(prisma, tokenId);

  /** Asserts that `call` neither counts usage nor records a gateway call. */
  async function expectNotCounted<T>(tokenId: string, call: () => Promise<T>): Promise<T> {
    const before = await usageCount(prisma, tokenId);
    const callsBefore = (await gatewayCalls(prisma, tokenId)).length;
    const result = await call();
    expect(await usageCount(prisma, tokenId)).toBe(before);
    expect(await gatewayCalls(prisma, tokenId)).toHaveLength(callsBefore);
    return result;
  }

  describe("model allowlist", () => {
    it("refuses a model of the gateway the token is not allowed (403) and serves the allowed one", async () => {
      const t = await issue(rules({ allowedModels: [MODEL_A] }));
      expect(t.view.allowedModels).toEqual([MODEL_A]);

      for (const stream of [false, true]) {
        const refused = await expectNotCounted(t.id, () => send(t.secret, MODEL_B, "hello", stream));
        const message = expectApiError(refused, 403, "permission_error");
        expect(message).toContain(`"${MODEL_B}"`);
        expect(message).toContain(MODEL_A);
      }

      const ok = await send(t.secret, MODEL_A);
      expect(ok.status, ok.text).toBe(200);
      expect(ok.json).toMatchObject({ type: "message", model: MODEL_A });
      expect(await gatewayCalls(prisma, t.id)).toEqual([expect.objectContaining({ model: MODEL_A })]);
      expect(await usageCount(prisma, t.id)).toBe(1);
    });

    it("still answers a model the gateway does not offer with the gateway's own 400", async () => {
      const t = await issue(rules({ allowedModels: [MODEL_A] }));
      expectApiError(await send(t.secret, "model-z"), 400, "invalid_request_error", /model-z/);
    });

    it("lists only the allowed models on /v1/models", async () => {
      const limited = await issue(rules({ allowedModels: [MODEL_A] }));
      const r = await rawCall(server.url, MODELS, { token: limited.secret });
      expect(r.status, r.text).toBe(200);
      expect(r.json).toEqual({
        data: [{ type: "model", id: MODEL_A, display_name: MODEL_A, created_at: expect.any(String) }],
        has_more: false,
        first_id: MODEL_A,
        last_id: MODEL_A,
      });

      const unlimited = await issue();
      const all = await rawCall(server.url, MODELS, { token: unlimited.secret });
      expect((all.json as { data: Array<{ id: string }> }).data.map((m) => m.id)).toEqual([MODEL_A, MODEL_B]);
    });

    it("applies a narrowed allowlist at once on this instance", async () => {
      const t = await issue();
      expect((await send(t.secret, MODEL_B)).status).toBe(200); // the principal is cached now

      const view = await updateTokenRules(prisma, o.meta, t.id, rules({ allowedModels: [MODEL_A] }));
      expect(view.allowedModels).toEqual([MODEL_A]);
      expectApiError(await send(t.secret, MODEL_B), 403, "permission_error");
      expect((await send(t.secret, MODEL_A)).status).toBe(200);
      const models = await rawCall(server.url, MODELS, { token: t.secret });
      expect((models.json as { data: Array<{ id: string }> }).data.map((m) => m.id)).toEqual([MODEL_A]);
    });

    it("does not limit an organization token calling the gateway", async () => {
      const orgToken = await issueOrganizationToken(prisma, o);
      const r = await rawCall(server.url, MESSAGES, { token: orgToken.secret, headers: { "x-gateway": gateway.slug }, body: body(MODEL_B) });
      expect(r.status, r.text).toBe(200);
    });
  });

  describe("monthly token budget", () => {
    it("refuses calls with 429 once this month's input+output tokens reach the budget", async () => {
      const t = await issue(rules({ monthlyTokenBudget: 10 }));
      expect(t.view.monthlyTokenBudget).toBe(10);
      const text = "x".repeat(12); // 3 tokens in, 3 out: 6 per call

      // Call until refused; every call that went through started below the budget.
      const admittedAt: number[] = [];
      let refused: Awaited<ReturnType<typeof send>> | null = null;
      for (let i = 0; i < 10 && !refused; i++) {
        const before = await sumOfCalls(t.id);
        const r = await send(t.secret, MODEL_A, text);
        if (r.status === 200) admittedAt.push(before);
        else refused = r;
      }
      expect(admittedAt).toEqual([0, 6]);
      expect(await sumOfCalls(t.id)).toBe(12);

      expect(refused, "a refused call").not.toBeNull();
      const message = expectApiError(refused!, 429, "rate_limit_error");
      expect(message).toMatch(/monthly budget of 10 tokens/);
      expect(message).toContain("12");
      const retryAfter = Number(refused!.headers.get("retry-after"));
      const untilNextMonth = Math.ceil((nextMonthStart().getTime() - Date.now()) / 1000);
      expect(Math.abs(retryAfter - untilNextMonth)).toBeLessThanOrEqual(5);

      // Refused calls are neither counted nor recorded; streaming is refused alike.
      await expectNotCounted(t.id, async () => {
        expectApiError(await send(t.secret, MODEL_A, text), 429, "rate_limit_error");
        expectApiError(await send(t.secret, MODEL_B, text, true), 429, "rate_limit_error");
      });
      expect(await usageCount(prisma, t.id)).toBe(2);
      expect((await tokenView(prisma, o.org.id, t.id))?.monthTokens).toBe(12);
    });

    it("counts streamed calls towards the budget", async () => {
      const t = await issue(rules({ monthlyTokenBudget: 5 }));
      const stream = await send(t.secret, MODEL_A, "x".repeat(12), true);
      expect(stream.status, stream.text).toBe(200);
      expect(stream.text).toContain("message_stop");
      expectApiError(await send(t.secret, MODEL_A), 429, "rate_limit_error");
    });

    it("reads this month's use from the day buckets (every instance's writes), ignoring earlier months", async () => {
      const lastMonth = new Date(monthStart().getTime() - 86_400_000);
      const record = (tokenId: string, modelTokens: number, day = new Date()) => {
        const start = new Date(day.toISOString().slice(0, 10));
        return prisma.tokenModelBucket.upsert({
          where: { tokenId_span_start_model: { tokenId, span: "DAY", start, model: MODEL_A } },
          create: { tokenId, span: "DAY", start, model: MODEL_A, calls: 1, inputTokens: modelTokens },
          update: { inputTokens: { increment: modelTokens } },
        });
      };

      const fresh = await issue(rules({ monthlyTokenBudget: 100 }));
      await record(fresh.id, 1_000, lastMonth);
      expect((await send(fresh.secret, MODEL_A)).status).toBe(200);

      const spent = await issue(rules({ monthlyTokenBudget: 100 }));
      await record(spent.id, 100);
      expectApiError(await send(spent.secret, MODEL_A), 429, "rate_limit_error", /100 tokens/);

      const almost = await issue(rules({ monthlyTokenBudget: 100 }));
      await record(almost.id, 99);
      expect((await send(almost.secret, MODEL_A)).status).toBe(200);
    });

    it("stays exact while the tally is written between calls", async () => {
      const t = await issue(rules({ monthlyTokenBudget: 20 }));
      const admittedAt: number[] = [];
      for (let i = 0; i < 6; i++) {
        await flushUsage(); // what was counted moves from the tally to the database
        const before = await sumOfCalls(t.id);
        const r = await send(t.secret, MODEL_A, "x".repeat(12)); // 6 tokens
        if (r.status !== 200) break;
        admittedAt.push(before);
      }
      expect(admittedAt).toEqual([0, 6, 12, 18]);
      await flushUsage();
      expect((await tokenView(prisma, o.org.id, t.id))?.monthTokens).toBe(24);
    });

    it("sees use written by another instance after the re-read interval", async () => {
      const t = await issue(rules({ monthlyTokenBudget: 50 }));
      expect((await send(t.secret, MODEL_A)).status).toBe(200); // 2 tokens; this instance knows the month now
      // Another instance spends the rest: it reaches this one's view within a re-read.
      await flushUsage();
      await prisma.tokenModelBucket.update({
        where: { tokenId_span_start_model: { tokenId: t.id, span: "DAY", start: new Date(new Date().toISOString().slice(0, 10)), model: MODEL_A } },
        data: { outputTokens: { increment: 48 } },
      });
      const deadline = Date.now() + 2 * (REFRESH_MS + GATHER_MS) + 1_000;
      let refused = false;
      while (!refused && Date.now() < deadline) {
        const r = await send(t.secret, MODEL_A, "x");
        refused = r.status === 429;
        if (!refused) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(refused).toBe(true);
    });

    it("does not limit a token without a budget", async () => {
      const t = await issue();
      for (let i = 0; i < 3; i++) expect((await send(t.secret, MODEL_A, "x".repeat(400))).status).toBe(200);
      expect((await tokenView(prisma, o.org.id, t.id))?.monthTokens).toBeNull();
    });
  });

  describe("rate limit and IP allowlist on the gateway API", () => {
    it("answers calls over the limit with Anthropic's 429 and the rate headers, on errors too", async () => {
      const t = await issue(rules({ rateLimitPerMinute: 3, allowedModels: [MODEL_A] }));
      await roomInThisMinute();

      const first = await send(t.secret, MODEL_A);
      expect(first.status).toBe(200);
      expect(rateHeadersOf(first.headers)).toMatchObject({ limit: "3", remaining: "2" });

      const forbidden = await send(t.secret, MODEL_B); // the model allowlist's 403 is a counted call
      expect(forbidden.status).toBe(403);
      expect(rateHeadersOf(forbidden.headers)).toMatchObject({ limit: "3", remaining: "1" });

      const models = await rawCall(server.url, MODELS, { token: t.secret });
      expect(models.status).toBe(200);
      expect(rateHeadersOf(models.headers)).toMatchObject({ limit: "3", remaining: "0" });

      const limited = await send(t.secret, MODEL_A);
      expectApiError(limited, 429, "rate_limit_error", /3 requests per minute/);
      expect(rateHeadersOf(limited.headers)).toEqual({ limit: "3", remaining: "0", reset: limited.headers.get("retry-after") });
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    });

    it("checks the caller's socket address against the allowlist", async () => {
      // The route server stamps the socket's address (127.0.0.1) into x-keysmith-client-ip.
      const elsewhere = await issue(rules({ ipAllowlist: "10.0.0.0/8" }));
      const local = await issue(rules({ ipAllowlist: "127.0.0.0/8" }));

      const refused = await expectNotCounted(elsewhere.id, () => send(elsewhere.secret, MODEL_A));
      expectApiError(refused, 403, "permission_error", /IP allowlist does not include 127\.0\.0\.1/);
      // A client cannot claim another address: the server overwrites the header.
      const spoofed = await rawCall(server.url, MESSAGES, { token: elsewhere.secret, headers: { "x-keysmith-client-ip": "10.0.0.1" }, body: body(MODEL_A) });
      expect(spoofed.status).toBe(403);

      expect((await send(local.secret, MODEL_A)).status).toBe(200);
    });
  });

  describe("updating rules", () => {
    it("refuses a model the gateway does not offer, naming it, and changes nothing", async () => {
      const t = await issue(rules({ allowedModels: [MODEL_A] }));

      const error = await updateTokenRules(prisma, o.meta, t.id, rules({ allowedModels: [MODEL_B, "model-z"] })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ field: "allowedModels", status: 400 });
      expect((error as DomainError).message).toContain("model-z");
      expect((error as DomainError).message).not.toContain(MODEL_B);

      expect((await prisma.token.findUniqueOrThrow({ where: { id: t.id } })).allowedModels).toEqual([MODEL_A]);
      expect(await prisma.auditEvent.count({ where: { targetId: t.id, action: "token.rules_updated" } })).toBe(0);
    });

    it("refuses to issue a token with a model the gateway does not offer", async () => {
      const tokenName = `gw-${uniq()}`;
      const error = await issueToken(prisma, o.meta, {
        kind: "GATEWAY",
        name: tokenName,
        gatewayId: gateway.id,
        expiresAt: null,
        createdById: o.admin.id,
        rules: rules({ allowedModels: ["model-z"] }),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ field: "allowedModels" });
      expect(await prisma.token.count({ where: { name: tokenName } })).toBe(0);
    });

    it("stores every rule of a gateway token, and records the change", async () => {
      const t = await issue();
      const view = await updateTokenRules(
        prisma,
        o.meta,
        t.id,
        rules({ ipAllowlist: "10.0.0.0/8", rateLimitPerMinute: 60, allowedModels: [MODEL_B], monthlyTokenBudget: 5_000 }),
      );
      expect(view).toMatchObject({ ipAllowlist: ["10.0.0.0/8"], rateLimitPerMinute: 60, allowedModels: [MODEL_B], monthlyTokenBudget: 5_000, monthTokens: 0 });
      const event = await prisma.auditEvent.findFirstOrThrow({ where: { targetId: t.id, action: "token.rules_updated" } });
      expect(event.metadata).toMatchObject({ ipAllowlist: ["10.0.0.0/8"], rateLimitPerMinute: 60, allowedModels: [MODEL_B], monthlyTokenBudget: 5_000 });
    });

    it("drops model and budget rules for workspace and organization tokens, keeping the others", async () => {
      const all = rules({ ipAllowlist: "10.0.0.0/8", rateLimitPerMinute: 30, allowedModels: [MODEL_A], monthlyTokenBudget: 1_000 });
      const kept = { ipAllowlist: ["10.0.0.0/8"], rateLimitPerMinute: 30, allowedModels: [], monthlyTokenBudget: null };

      const workspace = await issueToken(prisma, o.meta, {
        kind: "WORKSPACE",
        name: `ws-${uniq()}`,
        permissions: ["projects:read"],
        expiresAt: null,
        createdById: o.admin.id,
        rules: all,
      });
      expect(workspace.token).toMatchObject(kept);
      expect(await prisma.token.findUniqueOrThrow({ where: { id: workspace.token.id } })).toMatchObject(kept);

      const orgToken = await issueOrganizationToken(prisma, o);
      expect(await updateTokenRules(prisma, o.meta, orgToken.token.id, all)).toMatchObject(kept);
      expect(await updateTokenRules(prisma, o.meta, workspace.token.id, all)).toMatchObject({ ...kept, monthTokens: null });
      expect(await prisma.token.findUniqueOrThrow({ where: { id: orgToken.token.id } })).toMatchObject(kept);
    });

    it("refuses to change a token of another organization (404)", async () => {
      const other = await createGatewayOrg(prisma);
      const t = await issue();
      const error = await updateTokenRules(prisma, other.meta, t.id, rules({ rateLimitPerMinute: 1 })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ status: 404 });
      expect((await prisma.token.findUniqueOrThrow({ where: { id: t.id } })).rateLimitPerMinute).toBeNull();
    });
  });
});
