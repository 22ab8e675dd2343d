/**
 * Expiry reminders with two server instances on one PostgreSQL database, and a
 * restart in between: each reminder is written exactly once, whichever instance
 * holds the job's lease, whatever was in flight when one stopped.
 *
 * Needs TEST_DATABASE_URL and a production build ($KEYSMITH_DIST_DIR or .next
 * with a BUILD_ID; `npm test` builds before vitest runs). Skipped otherwise.
 */
import { randomBytes } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DEMO_ORG } from "@/lib/db/seed";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { issueToken } from "@/lib/tokens/service";

import { productionBuildDir, startServerProcess } from "../support/server-process";
import { startTwoInstances, type TwoInstances } from "../support/two-instances";

const baseUrl = process.env.TEST_DATABASE_URL;
const distDir = productionBuildDir();
const DAY = 86_400_000;

describe.skipIf(!baseUrl || !distDir)("expiry reminders with two instances and a restart", () => {
  let cluster: TwoInstances;
  let prisma: PrismaClient;
  let org: { id: string };
  let admin: { id: string; email: string };
  let developer: { id: string; email: string };

  beforeAll(async () => {
    cluster = await startTwoInstances(baseUrl!, distDir!, {
      NEXTAUTH_SECRET: `reminders-${randomBytes(12).toString("hex")}`,
      KEYSMITH_ADMIN_EMAIL: "admin@reminders.test",
      KEYSMITH_ADMIN_PASSWORD: `pw-${randomBytes(8).toString("hex")}`,
      // Every instance looks for due jobs every 100 ms: plenty of chances to collide.
      KEYSMITH_JOBS_EVERY_MS: "200",
    });
    prisma = cluster.prisma;
    org = await prisma.organization.findUniqueOrThrow({ where: { slug: DEMO_ORG.slug } });
    admin = await prisma.user.findUniqueOrThrow({ where: { email: cluster.env.KEYSMITH_ADMIN_EMAIL! } });
    developer = await prisma.user.create({ data: { email: "dev@reminders.test", name: "Dev", passwordHash: "x" } });
    await prisma.membership.create({ data: { userId: developer.id, orgId: org.id, role: "DEVELOPER" } });
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
  }, 60_000);

  /** `n` tokens of the developer due for a reminder now: half the 7-day one, half the 1-day one. */
  async function dueTokens(n: number, label: string) {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const left = i % 2 ? 3 * DAY : 12 * 3_600_000;
      const { token } = await issueToken(prisma, { orgId: org.id, actor: { type: "user", id: developer.id, label: developer.email } }, {
        kind: "WORKSPACE",
        name: `${label}-${i}`,
        permissions: ["projects:read"],
        expiresAt: new Date(Date.now() + left),
        createdById: developer.id,
      });
      await prisma.token.update({ where: { id: token.id }, data: { createdAt: new Date(Date.now() - 30 * DAY) } });
      ids.push(token.id);
    }
    return ids;
  }

  async function waitForReminders(ids: string[], timeoutMs = 15_000) {
    const deadline = Date.now() + timeoutMs;
    while ((await prisma.tokenExpiryReminder.count({ where: { tokenId: { in: ids } } })) < ids.length && Date.now() < deadline) await delay(100);
  }

  it("writes each reminder once across two instances, before and after one restarts", async () => {
    const first = await dueTokens(8, "before-restart");
    await waitForReminders(first);

    // B stops (SIGTERM, mid-tick perhaps) and starts again; more tokens fall due meanwhile.
    const b = cluster.servers.pop()!;
    expect(await b.stop()).toBe(0);
    const second = await dueTokens(8, "across-restart");
    cluster.servers.push(await startServerProcess({ name: "instance B again", distDir: distDir!, env: cluster.env }));
    const third = await dueTokens(8, "after-restart");
    const all = [...first, ...second, ...third];
    await waitForReminders(all);
    // Many more ticks on both instances: nothing more may be written.
    await delay(1_500);

    const reminders = await prisma.tokenExpiryReminder.findMany({ where: { tokenId: { in: all } } });
    expect(reminders).toHaveLength(all.length);
    const mails = await prisma.outboxEmail.findMany({ where: { subject: { contains: " expires " } }, select: { to: true, subject: true, idempotencyKey: true } });
    // One to the creator (the developer) and one to the admin, per token.
    expect(mails).toHaveLength(2 * all.length);
    for (let i = 0; i < all.length; i++) {
      const name = `${["before-restart", "across-restart", "after-restart"][Math.floor(i / 8)]}-${i % 8}`;
      const about = mails.filter((m) => m.subject.includes(`"${name}"`));
      expect(about.map((m) => m.to).sort(), name).toEqual([admin.email, developer.email].sort());
      expect(about.map((m) => m.subject.replace(/^.*" /, "")), name).toEqual(i % 2 ? ["expires in 3 days", "expires in 3 days"] : ["expires within a day", "expires within a day"]);
    }
    // Both instances took part: the job's lease row names who held it last, and it ran many times.
    const lease = await prisma.jobLease.findUniqueOrThrow({ where: { name: "token-expiry-reminders" } });
    expect(lease.lastRunAt).not.toBeNull();
  }, 90_000);
});
