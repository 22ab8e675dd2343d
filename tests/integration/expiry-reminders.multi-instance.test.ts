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

import { createDriver, type Driver } from "@/lib/db/driver";
import { DEMO_ORG } from "@/lib/db/seed";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { issueToken } from "@/lib/tokens/service";

import { freshPostgresDatabase } from "../support/databases";
import { waitForNoSessions } from "../support/fresh-database";
import { productionBuildDir, startServerProcess, type ServerProcess } from "../support/server-process";

const baseUrl = process.env.TEST_DATABASE_URL;
const distDir = productionBuildDir();
const DAY = 86_400_000;

describe.skipIf(!baseUrl || !distDir)("expiry reminders with two instances and a restart", () => {
  let database: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let driver: Driver;
  let prisma: PrismaClient;
  const servers: ServerProcess[] = [];
  let env: Record<string, string | undefined>;
  let org: { id: string };
  let admin: { id: string; email: string };
  let developer: { id: string; email: string };

  beforeAll(async () => {
    database = await freshPostgresDatabase(baseUrl!);
    env = {
      DATABASE_URL: database.url,
      KEYSMITH_DATA_DIR: undefined,
      NEXTAUTH_SECRET: `reminders-${randomBytes(12).toString("hex")}`,
      KEYSMITH_ADMIN_EMAIL: "admin@reminders.test",
      KEYSMITH_ADMIN_PASSWORD: `pw-${randomBytes(8).toString("hex")}`,
      // Every instance looks for due jobs every 100 ms: plenty of chances to collide.
      KEYSMITH_JOBS_EVERY_MS: "200",
    };
    const started = await Promise.allSettled([
      startServerProcess({ name: "instance A", distDir: distDir!, env }),
      startServerProcess({ name: "instance B", distDir: distDir!, env }),
    ]);
    for (const s of started) if (s.status === "fulfilled") servers.push(s.value);
    const failed = started.find((s) => s.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;

    driver = await createDriver({ kind: "postgres", url: database.url });
    prisma = new PrismaClient({ adapter: driver.adapter });
    org = await prisma.organization.findUniqueOrThrow({ where: { slug: DEMO_ORG.slug } });
    admin = await prisma.user.findUniqueOrThrow({ where: { email: env.KEYSMITH_ADMIN_EMAIL! } });
    developer = await prisma.user.create({ data: { email: "dev@reminders.test", name: "Dev", passwordHash: "x" } });
    await prisma.membership.create({ data: { userId: developer.id, orgId: org.id, role: "DEVELOPER" } });
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled(servers.map((s) => s.stop()));
    await prisma?.$disconnect().catch(() => {});
    await driver?.close().catch(() => {});
    if (database) {
      await waitForNoSessions(baseUrl!, new URL(database.url).pathname.slice(1));
      await database.drop();
    }
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
    const b = servers.pop()!;
    expect(await b.stop()).toBe(0);
    const second = await dueTokens(8, "across-restart");
    servers.push(await startServerProcess({ name: "instance B again", distDir: distDir!, env }));
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
