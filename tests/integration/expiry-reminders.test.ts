/**
 * Expiry reminders (lib/jobs/expiry-reminders.ts) and the lease scheduler that
 * runs them (lib/jobs/scheduler.ts): 7 days and 1 day before a token expires, one
 * e-mail to its creator and each admin, exactly once per token and threshold,
 * however many runs race. Time is moved by handing the job a later `now`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createDriver, type Driver } from "@/lib/db/driver";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { sendExpiryReminders } from "@/lib/jobs/expiry-reminders";
import { LEASE_MS, runIfDue, type Job } from "@/lib/jobs/scheduler";
import { issueToken, revokeToken, setTokenActive, type ChangeMeta } from "@/lib/tokens/service";

import { openAppDbWithOrg, type AppDb } from "../support/app-db";
import { testDatabases } from "../support/databases";
import { addMember, contextFor, uniq } from "../support/fixtures";

const DAY = 86_400_000;

describe.each(testDatabases)("expiry reminders on $name", ({ name }) => {
  let app: AppDb;
  let prisma: PrismaClient;
  let org: { id: string; name: string };
  let admin: { id: string; email: string };
  let meta: ChangeMeta;
  let developer: { id: string; email: string };
  let start: number;

  beforeAll(async () => {
    ({ app, prisma, org, admin, meta } = await openAppDbWithOrg(name));
    developer = (await addMember(prisma, org.id, "DEVELOPER")).user;
    // Far from anything the other tests made, so each run here sees only this test's tokens.
    start = Date.now() + 1_000 * DAY;
  });

  afterAll(async () => {
    await app?.close();
  });

  /** A developer's token created at `createdAt` expiring `lifetime` ms later. */
  async function tokenExpiring(createdAt: number, lifetime: number, by = developer) {
    const { token } = await issueToken(prisma, contextFor(org.id, by), {
      kind: "WORKSPACE",
      name: `expiring-${uniq()}`,
      permissions: ["projects:read"],
      expiresAt: new Date(createdAt + lifetime),
      createdById: by.id,
    });
    await prisma.token.update({ where: { id: token.id }, data: { createdAt: new Date(createdAt) } });
    return token;
  }

  const mails = (tokenName: string) =>
    prisma.outboxEmail.findMany({ where: { subject: { contains: `"${tokenName}" expires` } }, orderBy: [{ to: "asc" }], select: { to: true, subject: true, text: true } });

  it("reminds the creator and the admins 7 days and 1 day before, each once", async () => {
    const t0 = start;
    const token = await tokenExpiring(t0, 30 * DAY);
    expect(await sendExpiryReminders(prisma, new Date(t0 + 20 * DAY))).toBe(0); // 10 days left

    expect(await sendExpiryReminders(prisma, new Date(t0 + 23.5 * DAY))).toBe(1); // 6.5 days left
    let sent = await mails(token.name);
    expect(sent.map((m) => m.to).sort()).toEqual([admin.email, developer.email].sort());
    expect(sent[0].subject).toBe(`[${org.name}] Workspace token "${token.name}" expires in 7 days`);
    expect(sent.find((m) => m.to === developer.email)?.text).toContain("You created it.");
    expect(sent.find((m) => m.to === admin.email)?.text).toContain("you are an admin");
    expect(sent[0].text).toContain(token.masked);

    // Later runs in the same window send nothing more.
    expect(await sendExpiryReminders(prisma, new Date(t0 + 23.6 * DAY))).toBe(0);
    expect(await sendExpiryReminders(prisma, new Date(t0 + 28 * DAY))).toBe(0);
    expect(await mails(token.name)).toHaveLength(2);

    expect(await sendExpiryReminders(prisma, new Date(t0 + 29.2 * DAY))).toBe(1); // 0.8 days left
    sent = await mails(token.name);
    expect(sent).toHaveLength(4);
    expect(sent.filter((m) => m.subject.endsWith("expires within a day"))).toHaveLength(2);
    expect(await sendExpiryReminders(prisma, new Date(t0 + 29.9 * DAY))).toBe(0);
    // Expired: nothing.
    expect(await sendExpiryReminders(prisma, new Date(t0 + 31 * DAY))).toBe(0);
  });

  it("skips the 7-day reminder of a token made with a week or less to live, and sends only the nearest after a pause", async () => {
    const t0 = start + 100 * DAY;
    const short = await tokenExpiring(t0, 5 * DAY);
    expect(await sendExpiryReminders(prisma, new Date(t0 + 1))).toBe(0);
    expect(await sendExpiryReminders(prisma, new Date(t0 + 4.5 * DAY))).toBe(1);
    expect((await mails(short.name)).map((m) => m.subject.endsWith("within a day"))).toEqual([true, true]);

    // Every instance was down through the 7-day window: only the 1-day reminder goes out.
    const missed = await tokenExpiring(t0, 30 * DAY);
    expect(await sendExpiryReminders(prisma, new Date(t0 + 29.5 * DAY))).toBe(1);
    expect((await mails(missed.name)).every((m) => m.subject.endsWith("within a day"))).toBe(true);
  });

  it("reminds about active tokens only, and not a creator who has left the org", async () => {
    const t0 = start + 200 * DAY;
    const inactive = await tokenExpiring(t0, 30 * DAY);
    await setTokenActive(prisma, meta, inactive.id, false);
    const revoked = await tokenExpiring(t0, 30 * DAY);
    await revokeToken(prisma, meta, revoked.id);
    const leaver = (await addMember(prisma, org.id, "ADMIN")).user;
    const orphan = await tokenExpiring(t0, 30 * DAY, leaver);
    await prisma.membership.deleteMany({ where: { userId: leaver.id, orgId: org.id } });

    expect(await sendExpiryReminders(prisma, new Date(t0 + 25 * DAY))).toBe(1);
    expect(await mails(inactive.name)).toEqual([]);
    expect(await mails(revoked.name)).toEqual([]);
    expect((await mails(orphan.name)).map((m) => m.to)).toEqual([admin.email]);
  });

  it("sends each reminder once when runs race (two instances, a lease that ran out)", async () => {
    const t0 = start + 300 * DAY;
    const tokens = await Promise.all(Array.from({ length: 5 }, () => tokenExpiring(t0, 30 * DAY)));
    let other: { prisma: PrismaClient; driver: Driver } | null = null;
    if (name === "postgres") {
      const driver = await createDriver({ kind: "postgres", url: process.env.DATABASE_URL! });
      other = { driver, prisma: new PrismaClient({ adapter: driver.adapter }) };
    }
    const at = new Date(t0 + 25 * DAY);
    const runs = await Promise.all([sendExpiryReminders(prisma, at), sendExpiryReminders(other?.prisma ?? prisma, at), sendExpiryReminders(prisma, at)]);
    expect(runs.reduce((a, b) => a + b, 0)).toBe(5);
    for (const t of tokens) expect(await mails(t.name), t.name).toHaveLength(2);
    expect(await prisma.tokenExpiryReminder.count({ where: { tokenId: { in: tokens.map((t) => t.id) } } })).toBe(5);
    await other?.prisma.$disconnect();
    await other?.driver.close();
  });
});

describe.each(testDatabases)("the job scheduler on $name", ({ name }) => {
  let app: AppDb;
  let prisma: PrismaClient;

  beforeAll(async () => {
    ({ app, prisma } = await openAppDbWithOrg(name));
  });

  afterAll(async () => {
    await app?.close();
  });

  function countingJob(everyMs: number, work: () => Promise<void> = async () => {}) {
    const runs: Array<{ holder: string; lastRunAt: Date | null }> = [];
    let holder = "";
    const job: Job = {
      name: `job-${uniq()}`,
      everyMs,
      run: async (_db, ctx) => {
        runs.push({ holder, lastRunAt: ctx.lastRunAt });
        await work();
      },
    };
    return { job, runs, as: (h: string) => (holder = h) };
  }

  it("runs a job once per period across holders, and hands the last run's time to the next", async () => {
    const { job, runs, as } = countingJob(60_000);
    const t = Date.now();
    as("a");
    expect(await runIfDue(prisma, job, new Date(t), "a")).toBe(true);
    as("b");
    expect(await runIfDue(prisma, job, new Date(t + 1_000), "b")).toBe(false);
    expect(await runIfDue(prisma, job, new Date(t + 59_000), "b")).toBe(false);
    expect(await runIfDue(prisma, job, new Date(t + 60_000), "b")).toBe(true);
    expect(runs).toEqual([
      { holder: "a", lastRunAt: null },
      { holder: "b", lastRunAt: new Date(t) },
    ]);
  });

  it("lets one of several instances that tick at once run it", async () => {
    const { job, runs } = countingJob(60_000, () => new Promise((resolve) => setTimeout(resolve, 100)));
    const now = new Date();
    let other: { prisma: PrismaClient; driver: Driver } | null = null;
    if (name === "postgres") {
      const driver = await createDriver({ kind: "postgres", url: process.env.DATABASE_URL! });
      other = { driver, prisma: new PrismaClient({ adapter: driver.adapter }) };
    }
    const ran = await Promise.all(["a", "b", "c", "d"].map((h, i) => runIfDue(i % 2 && other ? other.prisma : prisma, job, now, h)));
    expect(ran.filter(Boolean)).toHaveLength(1);
    expect(runs).toHaveLength(1);
    await other?.prisma.$disconnect();
    await other?.driver.close();
  });

  it("gives the job back when a run fails, and lets another take over a holder that died", async () => {
    let fail = true;
    const { job, runs } = countingJob(60_000, async () => {
      if (fail) throw new Error("boom");
    });
    const t = Date.now();
    await expect(runIfDue(prisma, job, new Date(t), "a")).rejects.toThrow("boom");
    fail = false;
    expect(await runIfDue(prisma, job, new Date(t + 1), "b")).toBe(true); // not counted as a run: due at once

    // A holder that claims and dies (never completes): its lease blocks others until it runs out.
    const stuck = countingJob(1_000);
    await prisma.jobLease.create({ data: { name: stuck.job.name, holder: "dead", leaseUntil: new Date(t + LEASE_MS) } });
    expect(await runIfDue(prisma, stuck.job, new Date(t + 2_000), "c")).toBe(false);
    expect(await runIfDue(prisma, stuck.job, new Date(t + LEASE_MS + 1), "c")).toBe(true);
    expect(runs).toHaveLength(2);
  });
});
