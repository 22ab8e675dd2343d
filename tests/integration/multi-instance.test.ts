/**
 * Two console instances on one PostgreSQL database, as in a real deployment
 * behind a load balancer: usage counted on both adds up exactly, and a token
 * revoked through one instance (or changed in the database directly) stops
 * working on the other within 1 s, through the change feed, although each
 * instance caches verified tokens for minutes. Their webhook senders, racing
 * for the same deliveries, send each event once.
 *
 * Needs TEST_DATABASE_URL and a production build ($KEYSMITH_DIST_DIR or .next
 * with a BUILD_ID; `npm test` builds before vitest runs). Skipped otherwise.
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { setTimeout as delay } from "node:timers/promises";

import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { DEMO_ORG } from "@/lib/db/seed";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { issueToken } from "@/lib/tokens/service";
import { emitEvents } from "@/lib/webhooks/events";
import { createEndpoint } from "@/lib/webhooks/service";

import { productionBuildDir, type ServerProcess } from "../support/server-process";
import { startTwoInstances, type TwoInstances } from "../support/two-instances";
import { startWebhookReceiver } from "../support/webhook-receiver";

const baseUrl = process.env.TEST_DATABASE_URL;
const distDir = productionBuildDir();
const CALLS_PER_INSTANCE = 50;
/** The promise (lib/tokens/verify.ts FRESH_MS): a change is honoured everywhere within 1 s. */
const FRESH_MS = 1_000;
const POLL_MS = 50;

describe.skipIf(!baseUrl || !distDir)("two instances on one PostgreSQL database", () => {
  let cluster: TwoInstances;
  let prisma: PrismaClient;
  let a: ServerProcess;
  let b: ServerProcess;
  let orgId: string;
  let adminId: string;
  let adminEmail: string;
  let appSecret: string;

  beforeAll(async () => {
    const env = {
      NEXTAUTH_SECRET: `multi-instance-${randomBytes(12).toString("hex")}`,
      KEYSMITH_ADMIN_EMAIL: "admin@multi-instance.test",
      KEYSMITH_ADMIN_PASSWORD: `pw-${randomBytes(8).toString("hex")}`,
      // The defaults, whatever this shell has set: a long cache, kept honest by the change feed.
      KEYSMITH_VERIFY_CACHE_MS: undefined,
      KEYSMITH_CHANGE_POLL_MS: undefined,
      KEYSMITH_USAGE_FLUSH_MS: "500",
      // Both webhook senders poll often, so they compete for the same deliveries; the receiver is on loopback.
      KEYSMITH_WEBHOOK_POLL_MS: "50",
      KEYSMITH_UPSTREAM_ALLOW_HOSTS: "127.0.0.1",
    };
    appSecret = env.NEXTAUTH_SECRET;
    cluster = await startTwoInstances(baseUrl!, distDir!, env);
    [a, b] = cluster.servers;
    prisma = cluster.prisma;
    const org = await prisma.organization.findUniqueOrThrow({ where: { slug: DEMO_ORG.slug } });
    const admin = await prisma.user.findUniqueOrThrow({ where: { email: env.KEYSMITH_ADMIN_EMAIL } });
    orgId = org.id;
    adminId = admin.id;
    adminEmail = admin.email;
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
  }, 60_000);

  function meta() {
    return { orgId, actor: { type: "user" as const, id: adminId, label: adminEmail }, ip: "203.0.113.50", userAgent: "vitest" };
  }

  function me(server: ServerProcess, secret: string): Promise<Response> {
    return fetch(`${server.url}/api/v1/app/me`, { headers: { authorization: `Bearer ${secret}`, "x-org": DEMO_ORG.slug } });
  }

  /**
   * Calls B every POLL_MS from `since` until it refuses the token (at most 3 s). Every
   * request B still accepted must have been sent within FRESH_MS of the change.
   */
  async function expectRefusedOnBWithinFreshMs(secret: string, since: number, what: string) {
    let lastAccepted = -1;
    let firstRejected = -1;
    while (performance.now() - since < 3 * FRESH_MS) {
      const sentAt = performance.now() - since;
      const r = await me(b, secret);
      await r.body?.cancel();
      if (r.status === 200) lastAccepted = sentAt;
      else {
        expect(r.status).toBe(401);
        firstRejected = performance.now() - since;
        break;
      }
      await delay(POLL_MS);
    }
    console.log(`${what} reached B after ${firstRejected.toFixed(0)} ms (last accepted request sent ${lastAccepted.toFixed(0)} ms after it; bound ${FRESH_MS} ms)`);
    expect(firstRejected).toBeGreaterThanOrEqual(0);
    expect(lastAccepted).toBeLessThan(FRESH_MS);
    expect(firstRejected).toBeLessThan(FRESH_MS + POLL_MS + 500);
  }

  it("counts usage on both instances exactly, and a revocation through A reaches B within 1 s", async () => {
    const subject = await issueToken(prisma, meta(), {
      kind: "WORKSPACE",
      name: "multi-instance subject",
      expiresAt: null,
      permissions: ["projects:read"],
      createdById: adminId,
    });
    const revoker = await issueToken(prisma, meta(), {
      kind: "WORKSPACE",
      name: "multi-instance revoker",
      expiresAt: null,
      permissions: ["tokens:read", "tokens:delete"],
      createdById: adminId,
    });

    // 50 calls on each instance, ten at a time per instance, both instances at once.
    const statuses: number[] = [];
    await Promise.all(
      [a, b].map(async (server) => {
        for (let i = 0; i < CALLS_PER_INSTANCE; i += 10) {
          const batch = await Promise.all(Array.from({ length: 10 }, () => me(server, subject.secret)));
          for (const r of batch) {
            statuses.push(r.status);
            await r.body?.cancel();
          }
        }
      }),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(2 * CALLS_PER_INSTANCE);

    // Each instance flushes its tally every 500 ms: wait for the sum, then make sure it does not overshoot.
    const usage = async () => {
      const token = await prisma.token.findUniqueOrThrow({ where: { id: subject.token.id }, select: { usageCount: true } });
      const sum = (span: "HOUR" | "DAY") => prisma.tokenUsageBucket.aggregate({ where: { tokenId: subject.token.id, span }, _sum: { succeeded: true } });
      const [days, hours] = await Promise.all([sum("DAY"), sum("HOUR")]);
      return { count: Number(token.usageCount), days: Number(days._sum.succeeded ?? 0), hours: Number(hours._sum.succeeded ?? 0) };
    };
    const deadline = Date.now() + 10_000;
    while ((await usage()).count < 2 * CALLS_PER_INSTANCE && Date.now() < deadline) await delay(100);
    await delay(1_200);
    expect(await usage()).toEqual({ count: 2 * CALLS_PER_INSTANCE, days: 2 * CALLS_PER_INSTANCE, hours: 2 * CALLS_PER_INSTANCE });

    // B has the token in its cache (a fresh entry: the worst case for B), then A revokes it.
    const warm = await me(b, subject.secret);
    expect(warm.status).toBe(200);
    await warm.body?.cancel();
    const revoke = await fetch(`${a.url}/api/v1/app/tokens/${subject.token.id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${revoker.secret}`, "x-org": DEMO_ORG.slug },
    });
    expect(revoke.status, await revoke.text()).toBe(200);
    const revokedAt = performance.now();

    // A dropped its own cache entry at once.
    const onA = await me(a, subject.secret);
    expect(onA.status).toBe(401);
    await onA.body?.cancel();

    await expectRefusedOnBWithinFreshMs(subject.secret, revokedAt, "revocation through A");
  }, 60_000);

  it("delivers each webhook event exactly once while both instances' senders compete for it", async () => {
    // The endpoint's secret is sealed with the instances' key, as the console would seal it.
    vi.stubEnv("NEXTAUTH_SECRET", appSecret);
    vi.stubEnv("KEYSMITH_UPSTREAM_ALLOW_HOSTS", "127.0.0.1");
    const receiver = await startWebhookReceiver([], "/hooks", { delayMs: 20 });
    try {
      const { endpoint, secret } = await createEndpoint(prisma, meta(), { url: receiver.url, eventScope: "all", events: [] });
      receiver.secrets = [secret];
      const EVENTS = 400;
      await prisma.$transaction((tx) =>
        emitEvents(tx, orgId, Array.from({ length: EVENTS }, (_, i) => ({ type: "token.expiring" as const, data: { n: i } }))),
      );
      const started = performance.now();
      await expect.poll(() => prisma.webhookDelivery.count({ where: { endpointId: endpoint.id, status: "SUCCEEDED" } }), { timeout: 30_000, interval: 200 }).toBe(EVENTS);
      const ms = performance.now() - started;
      console.log(`webhooks: ${EVENTS} events delivered by two instances in ${ms.toFixed(0)} ms (receiver takes 20 ms each): ${(EVENTS / (ms / 1000)).toFixed(0)}/s`);
      expect(receiver.rejected).toBe(0);
      expect(receiver.hits).toBe(EVENTS);
      expect(new Set(receiver.received.map((r) => r.id)).size).toBe(EVENTS);
      const rows = await prisma.webhookDelivery.findMany({ where: { endpointId: endpoint.id }, select: { attempts: true } });
      expect(rows.every((r) => r.attempts === 1)).toBe(true);
    } finally {
      vi.unstubAllEnvs();
      await receiver.close();
    }
  }, 60_000);

  it("honours a change made in the database directly (no instance involved) on B within 1 s", async () => {
    const subject = await issueToken(prisma, meta(), {
      kind: "WORKSPACE",
      name: "multi-instance direct change",
      expiresAt: null,
      permissions: ["projects:read"],
      createdById: adminId,
    });
    // B has it cached (and has used the entry for longer than 1 s).
    for (let i = 0; i < 3; i++) {
      const r = await me(b, subject.secret);
      expect(r.status).toBe(200);
      await r.body?.cancel();
      await delay(600);
    }
    await prisma.$executeRaw`UPDATE "Token" SET status = 'INACTIVE' WHERE id = ${subject.token.id}`;
    await expectRefusedOnBWithinFreshMs(subject.secret, performance.now(), "a direct UPDATE");
  }, 30_000);
});
