/**
 * Issue 13 through the data plane on a real socket: the request log and the
 * buckets record what a known token's calls got (refusals included, with the
 * route's pattern), the Workspace API serves a token's usage and renames tokens,
 * and the org's lifetime policy bounds tokens minted through the API.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { API_ROUTES } from "@/lib/data-plane/routes";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { updateTokenPolicy } from "@/lib/orgs/token-policy";
import { issueToken, type ChangeMeta } from "@/lib/tokens/service";
import { flushUsage } from "@/lib/tokens/usage";
import type { ApiPermission } from "@/lib/authz";

import { openAppDbWithOrg, type AppDb } from "../support/app-db";
import { testDatabases } from "../support/databases";
import { addMember, contextFor, createOrgWithAdmin, uniq } from "../support/fixtures";
import { startRouteServer, type RouteServer } from "../support/route-server";
import { rules } from "../support/guard-rails";

const DAY = 86_400_000;

describe.each(testDatabases)("usage, request log, rename and policy through the API on $name", ({ name }) => {
  let app: AppDb;
  let prisma: PrismaClient;
  let org: { id: string; slug: string };
  let admin: { id: string; email: string };
  let meta: ChangeMeta;
  let server: RouteServer;

  beforeAll(async () => {
    ({ app, prisma, org, admin, meta } = await openAppDbWithOrg(name));
    server = await startRouteServer(API_ROUTES);
  });

  afterAll(async () => {
    await server?.close();
    await app?.close();
  });

  async function token(permissions: ApiPermission[], opts: { by?: { id: string; email: string }; rateLimitPerMinute?: number; expiresAt?: Date | null } = {}) {
    const by = opts.by ?? admin;
    return issueToken(prisma, by === admin ? meta : contextFor(org.id, by), {
      kind: "WORKSPACE",
      name: `t-${uniq()}`,
      permissions,
      expiresAt: opts.expiresAt ?? null,
      createdById: by.id,
      rules: opts.rateLimitPerMinute ? rules({ rateLimitPerMinute: opts.rateLimitPerMinute }) : undefined,
    });
  }

  async function call(secret: string, path: string, init: { method?: string; org?: string; body?: unknown } = {}) {
    const response = await fetch(`${server.url}/api/v1${path}`, {
      method: init.method ?? "GET",
      headers: {
        authorization: `Bearer ${secret}`,
        "x-org": init.org ?? org.slug,
        "user-agent": "usage-test/1.0",
        ...(init.body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
  }

  it("logs a known token's successes and refusals with the route's pattern, never the path", async () => {
    const t = await token(["tokens:read"], { rateLimitPerMinute: 2 });
    const other = await token(["projects:read"]);
    expect((await call(t.secret, `/app/tokens/${other.token.id}/usage?granularity=hour&x=1`)).status).toBe(200);
    expect((await call(t.secret, "/app/me", { org: "another-org" })).status).toBe(403);
    expect((await call(t.secret, "/app/projects")).status).toBe(403); // lacks projects:read
    // Until the minute's limit refuses one (a new minute may let one more through).
    const more: number[] = [];
    while (!more.includes(429) && more.length < 5) more.push((await call(t.secret, "/app/me")).status);
    expect(more.at(-1)).toBe(429);
    await flushUsage();
    const log = await prisma.tokenRequest.findMany({ where: { tokenId: t.token.id }, orderBy: [{ at: "asc" }, { id: "asc" }] });
    expect(log.map((e) => [e.method, e.route, e.status, e.ip, e.userAgent])).toEqual([
      ["GET", "/api/v1/app/tokens/{id}/usage", 200, "127.0.0.1", "usage-test/1.0"],
      ["GET", "/api/v1/app/me", 403, "127.0.0.1", "usage-test/1.0"],
      ["GET", "/api/v1/app/projects", 403, "127.0.0.1", "usage-test/1.0"],
      ...more.map((status) => ["GET", "/api/v1/app/me", status, "127.0.0.1", "usage-test/1.0"]),
    ]);
    expect(log.every((e) => e.latencyMs !== null && e.latencyMs >= 0)).toBe(true);
    const successes = 1 + more.filter((s) => s === 200).length;
    const days = await prisma.tokenUsageBucket.findMany({ where: { tokenId: t.token.id, span: "DAY" } });
    const sum = (k: "succeeded" | "denied" | "limited" | "failed") => days.reduce((n, d) => n + Number(d[k]), 0);
    expect([sum("succeeded"), sum("denied"), sum("limited"), sum("failed")]).toEqual([successes, 2, 1, 0]);
    // Only successes are use.
    expect(Number((await prisma.token.findUniqueOrThrow({ where: { id: t.token.id } })).usageCount)).toBe(successes);
  });

  it("logs nothing for a token it does not know, nor for a malformed one", async () => {
    const before = await prisma.tokenRequest.count();
    expect((await call("ksw_not-a-token", "/app/me")).status).toBe(401);
    await flushUsage();
    expect(await prisma.tokenRequest.count()).toBe(before);
  });

  it("answers a token's usage per hour or day, dense, and refuses what it cannot answer", async () => {
    const reader = await token(["tokens:read"]);
    const subject = await token(["projects:read"]);
    for (let i = 0; i < 3; i++) expect((await call(subject.secret, "/app/me")).status).toBe(200);
    expect((await call(subject.secret, "/app/tokens")).status).toBe(403);
    await flushUsage();

    const hours = await call(reader.secret, `/app/tokens/${subject.token.id}/usage?granularity=hour`);
    expect(hours.status).toBe(200);
    const data = hours.body!.data as Array<{ start: string; succeeded: number; denied: number; rate_limited: number; failed: number }>;
    expect(data).toHaveLength(48);
    expect(hours.body!.token_id).toBe(subject.token.id);
    const now = Date.now();
    expect(Date.parse(data.at(-1)!.start)).toBe(now - (now % 3_600_000));
    expect(data.reduce((n, b) => n + b.succeeded, 0)).toBe(3);
    expect(data.reduce((n, b) => n + b.denied, 0)).toBe(1);

    const days = await call(reader.secret, `/app/tokens/${subject.token.id}/usage`);
    expect((days.body!.data as unknown[]).length).toBe(90);
    expect(days.body!.granularity).toBe("day");
    expect(days.body!.models).toEqual([]);

    const from = new Date(now - 3 * DAY).toISOString();
    const to = new Date(now + DAY).toISOString();
    const ranged = await call(reader.secret, `/app/tokens/${subject.token.id}/usage?granularity=day&from=${from}&to=${to}`);
    expect((ranged.body!.data as unknown[]).length).toBe(5);

    const bad = async (query: string, field: string) => {
      const r = await call(reader.secret, `/app/tokens/${subject.token.id}/usage?${query}`);
      expect(r.status, query).toBe(400);
      expect((r.body!.error as { message: string }).message, query).toContain(`"${field}"`);
    };
    await bad("granularity=minute", "granularity");
    await bad("from=yesterday", "from");
    await bad(`from=${to}&to=${from}`, "from");
    await bad(`granularity=hour&from=${new Date(now - 400 * DAY).toISOString()}`, "from");
    expect((await call(reader.secret, `/app/tokens/nope/usage`)).status).toBe(404);
    expect((await call(subject.secret, `/app/tokens/${reader.token.id}/usage`)).status).toBe(403); // lacks tokens:read
  });

  it("renames a token and sets its description, audited; refuses a taken name and another member's token", async () => {
    const editor = await token(["tokens:create", "tokens:read"]);
    const target = await token(["projects:read"]);
    const newName = `renamed-${uniq()}`;
    const r = await call(editor.secret, `/app/tokens/${target.token.id}`, { method: "PATCH", body: { name: newName, description: "Nightly export" } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: target.token.id, name: newName, description: "Nightly export" });
    const entry = await prisma.auditEvent.findFirstOrThrow({ where: { targetId: target.token.id, action: "token.updated" } });
    expect(entry.actorType).toBe("token");
    expect(entry.metadata).toMatchObject({ name: { from: target.token.name, to: newName }, description: { from: null, to: "Nightly export" } });

    // Removing the description only.
    expect((await call(editor.secret, `/app/tokens/${target.token.id}`, { method: "PATCH", body: { description: null } })).body).toMatchObject({ name: newName, description: null });

    const taken = await call(editor.secret, `/app/tokens/${target.token.id}`, { method: "PATCH", body: { name: editor.token.name } });
    expect(taken.status).toBe(409);
    expect((await call(editor.secret, `/app/tokens/${target.token.id}`, { method: "PATCH", body: {} })).status).toBe(400);
    expect((await call(editor.secret, `/app/tokens/${target.token.id}`, { method: "PATCH", body: { name: "x", extra: 1 } })).status).toBe(400);

    // A developer's token changes only its own member's tokens.
    const dev = (await addMember(prisma, org.id, "DEVELOPER")).user;
    const devToken = await token(["tokens:create"], { by: dev });
    expect((await call(devToken.secret, `/app/tokens/${target.token.id}`, { method: "PATCH", body: { name: `x-${uniq()}` } })).status).toBe(403);
    const reader = await token(["tokens:read"]);
    expect((await call(reader.secret, `/app/tokens/${target.token.id}`, { method: "PATCH", body: { name: `x-${uniq()}` } })).status).toBe(403);
  });

  it("refuses to mint through the API a token the org's lifetime policy does not allow, naming the policy", async () => {
    const { org: policyOrg, ctx: policyMeta, admin: policyAdmin } = await createOrgWithAdmin(prisma);
    const minter = await issueToken(prisma, policyMeta, { kind: "WORKSPACE", name: `m-${uniq()}`, permissions: ["tokens:create"], expiresAt: null, createdById: policyAdmin.id });
    await updateTokenPolicy(prisma, policyMeta, { maxLifetimeDays: 30, expiryRequired: true });
    const mint = (body: Record<string, unknown>) => call(minter.secret, "/app/tokens", { method: "POST", org: policyOrg.slug, body: { name: `c-${uniq()}`, permissions: ["tokens:create"], ...body } });

    const tooLong = await mint({ expires_at: new Date(Date.now() + 45 * DAY).toISOString() });
    expect(tooLong.status).toBe(400);
    expect((tooLong.body!.error as { message: string }).message).toMatch(/token policy allows a lifetime of at most 30 days/);
    const none = await mint({});
    expect(none.status).toBe(400);
    expect((none.body!.error as { message: string }).message).toMatch(/token policy/);
    const ok = await mint({ expires_at: new Date(Date.now() + 29 * DAY).toISOString() });
    expect(ok.status).toBe(201);

    // A child without an expiry of its own takes its parent's, which then has to fit too.
    const child = ok.body!.token as string;
    expect((await call(child, "/app/tokens", { method: "POST", org: policyOrg.slug, body: { name: `g-${uniq()}`, permissions: ["tokens:create"] } })).status).toBe(201);
    expect(await prisma.token.count({ where: { orgId: policyOrg.id } })).toBe(3);
  });
});
