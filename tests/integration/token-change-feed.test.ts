/**
 * The change feed behind the verification cache (lib/tokens/change-feed.ts):
 * triggers record every change to what a token may do, in the change's own
 * transaction and whoever makes it; the feed lets a verified token stay cached
 * well past 1 s, yet drops it within 1 s of a change; without the feed, entries
 * are trusted for 1 s only.
 */
import { setTimeout as delay } from "node:timers/promises";

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { getDb } from "@/lib/db/client";
import { createGateway, updateGateway } from "@/lib/gateways/service";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { coveredAt, startChangeFeed, stopChangeFeed } from "@/lib/tokens/change-feed";
import { hashToken } from "@/lib/tokens/format";
import { issueToken, regenerateToken, revokeToken, type ChangeMeta } from "@/lib/tokens/service";
import { countCall, flushUsage } from "@/lib/tokens/usage";
import { FRESH_MS, verifyToken } from "@/lib/tokens/verify";

import { openAppDbWithOrg, type AppDb } from "../support/app-db";
import { testDatabases } from "../support/databases";
import { addMember, issueWorkspaceToken, uniq } from "../support/fixtures";

describe.each(testDatabases)("token change feed on $name", ({ name }) => {
  let app: AppDb;
  let prisma: PrismaClient;
  let org: { id: string; slug: string };
  let admin: { id: string; email: string };
  let meta: ChangeMeta;

  beforeAll(async () => {
    ({ app, prisma, org, admin, meta } = await openAppDbWithOrg(name));
  });

  afterEach(() => stopChangeFeed());

  afterAll(async () => {
    await app?.close();
  });

  async function issue() {
    const { token, secret } = await issueWorkspaceToken(prisma, { meta, admin }, { label: "feed" });
    return { id: token.id, secret, hash: hashToken(secret) };
  }

  /** Rows written since `after` (an id), as "hash:…" / "org:…". */
  async function changesAfter(after: bigint): Promise<string[]> {
    const rows = await prisma.tokenChange.findMany({ where: { id: { gt: after } }, orderBy: { id: "asc" } });
    return rows.map((r) => (r.hash ? `hash:${r.hash}` : `org:${r.orgId}`));
  }
  const lastId = async () => (await prisma.tokenChange.findFirst({ orderBy: { id: "desc" } }))?.id ?? 0n;

  async function runningFeed() {
    startChangeFeed(getDb);
    const deadline = Date.now() + 5_000;
    while (coveredAt() === 0 && Date.now() < deadline) await delay(20);
    expect(coveredAt()).toBeGreaterThan(0);
  }

  /** Waits until the feed has applied every change committed before `ms` (local epoch). */
  async function feedPast(ms: number) {
    const deadline = Date.now() + 5_000;
    while (coveredAt() <= ms && Date.now() < deadline) await delay(20);
    expect(coveredAt()).toBeGreaterThan(ms);
  }

  /** Polls verifyToken until `done(principal)` holds; returns the milliseconds it took. */
  async function msUntil(secret: string, done: (p: Awaited<ReturnType<typeof verifyToken>>) => boolean): Promise<number> {
    const since = performance.now();
    while (performance.now() - since < 3 * FRESH_MS) {
      if (done(await verifyToken(prisma, secret))) return performance.now() - since;
      await delay(25);
    }
    return Infinity;
  }

  it("records a change to a token in its own transaction, old and new secrets alike, but not usage", async () => {
    const t = await issue();
    let mark = await lastId();

    countCall(getDb, t.id, 200, "203.0.113.9");
    await flushUsage();
    expect(await changesAfter(mark)).toEqual([]);

    const rotated = await regenerateToken(prisma, meta, t.id, 60 * 60_000);
    const newHash = hashToken(rotated.secret);
    expect(new Set(await changesAfter(mark))).toEqual(new Set([`hash:${t.hash}`, `hash:${newHash}`]));

    mark = await lastId();
    await revokeToken(prisma, meta, t.id);
    expect(new Set(await changesAfter(mark))).toEqual(new Set([`hash:${newHash}`, `hash:${t.hash}`]));

    // A failed transaction leaves no row behind.
    mark = await lastId();
    await prisma
      .$transaction(async (tx) => {
        await tx.token.update({ where: { id: t.id }, data: { name: "renamed" } });
        throw new Error("rolled back");
      })
      .catch(() => {});
    expect(await changesAfter(mark)).toEqual([]);
  });

  it("records membership, org slug and member name changes for the whole org", async () => {
    const mark = await lastId();
    await prisma.membership.updateMany({ where: { orgId: org.id, userId: admin.id }, data: { role: "ADMIN" } });
    await prisma.organization.update({ where: { id: org.id }, data: { slug: `org-${uniq()}` } });
    await prisma.user.update({ where: { id: admin.id }, data: { name: "Renamed admin" } });
    expect(await changesAfter(mark)).toEqual([`org:${org.id}`, `org:${org.id}`, `org:${org.id}`]);
    org = await prisma.organization.findUniqueOrThrow({ where: { id: org.id } });
  });

  it("records a change to a gateway (whose row its tokens carry) for the whole org", async () => {
    const gateway = await createGateway(prisma, meta, { name: `gw-${uniq()}`, slug: `gw-${uniq()}`, upstreamType: "ECHO", models: ["m-1"] });
    const mark = await lastId();
    await prisma.gateway.update({ where: { id: gateway.id }, data: { models: ["m-1", "m-2"] } });
    await prisma.gateway.delete({ where: { id: gateway.id } });
    expect(await changesAfter(mark)).toEqual([`org:${org.id}`, `org:${org.id}`]);
  });

  it("gives a cached gateway token its gateway's edit at once here, and within 1 s when made elsewhere", async () => {
    const input = { name: `gw-${uniq()}`, slug: `gw-${uniq()}`, upstreamType: "ECHO" as const, models: ["m-1", "m-2"] };
    const gateway = await createGateway(prisma, meta, input);
    const { secret } = await issueToken(prisma, meta, { kind: "GATEWAY", name: `feed-gw-${uniq()}`, gatewayId: gateway.id, expiresAt: null, createdById: admin.id });
    expect((await verifyToken(prisma, secret))?.gateway?.models).toEqual(["m-1", "m-2"]);

    // Through the console, in this process (no feed running): the very next call sees it.
    await updateGateway(prisma, meta, gateway.id, { ...input, models: ["m-1"] });
    expect((await verifyToken(prisma, secret))?.gateway?.models).toEqual(["m-1"]);

    // In the database directly, i.e. another instance: the feed carries it.
    await runningFeed();
    await delay(FRESH_MS); // an old entry: only the feed can drop it now
    await prisma.$executeRaw`UPDATE "Gateway" SET models = ARRAY['m-3'] WHERE id = ${gateway.id}`;
    expect(await msUntil(secret, (p) => p?.gateway?.models.join() === "m-3")).toBeLessThan(FRESH_MS);
  });

  it("keeps a verified token cached past 1 s while the feed runs, and only 1 s without it", async () => {
    await runningFeed();
    const t = await issue();
    // The feed reports the new token too (for the known-token filter), dropping whatever was cached for it by then.
    await feedPast(Date.now());
    expect(await verifyToken(prisma, t.secret)).not.toBeNull();

    // Deactivated with triggers off (as nothing in the product can do): no instance hears of it.
    await prisma.$transaction([
      prisma.$executeRawUnsafe(`SET LOCAL session_replication_role = replica`),
      prisma.$executeRaw`UPDATE "Token" SET status = 'INACTIVE' WHERE id = ${t.id}`,
    ]);
    await delay(FRESH_MS + 300);
    expect(await verifyToken(prisma, t.secret), "answered from the cache").not.toBeNull();

    stopChangeFeed();
    expect(await verifyToken(prisma, t.secret), "an entry older than 1 s is not trusted without the feed").toBeNull();
  });

  it("drops a cached token within 1 s of a change made in the database directly", async () => {
    await runningFeed();
    const t = await issue();
    expect(await verifyToken(prisma, t.secret)).not.toBeNull();
    await delay(FRESH_MS); // an old entry: only the feed can drop it now

    await prisma.$executeRaw`UPDATE "Token" SET status = 'REVOKED', "revokedAt" = now() WHERE id = ${t.id}`;
    expect(await msUntil(t.secret, (p) => p === null)).toBeLessThan(FRESH_MS);
  });

  it("narrows a member's cached tokens within 1 s of a role change made elsewhere", async () => {
    await runningFeed();
    const { user } = await addMember(prisma, org.id, "ADMIN");
    const { secret } = await issueToken(prisma, meta, {
      kind: "WORKSPACE",
      name: `feed-member-${uniq()}`,
      expiresAt: null,
      permissions: ["projects:read", "projects:write"],
      createdById: user.id,
    });
    expect((await verifyToken(prisma, secret))?.role).toBe("ADMIN");
    await delay(FRESH_MS);

    await prisma.membership.update({ where: { userId_orgId: { userId: user.id, orgId: org.id } }, data: { role: "VIEWER" } });
    expect(await msUntil(secret, (p) => p?.role === "VIEWER")).toBeLessThan(FRESH_MS);
    expect((await verifyToken(prisma, secret))?.permissions).toEqual(["projects:read"]);
  });
});
