import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import { deliverDue } from "@/lib/email/delivery";
import { startOutboxWorker, stopOutboxWorker } from "@/lib/email/worker";
import { issueToken, type ChangeMeta } from "@/lib/tokens/service";

import { openAppDb, type AppDb } from "../support/app-db";
import { testDatabases } from "../support/databases";
import { startFakeResend, type FakeResend } from "../support/fake-resend";
import { actorFor, addMember, createOrgWithAdmin, uniq } from "../support/fixtures";

/**
 * The in-process sender (lib/email/worker.ts) as the server runs it: issueToken
 * kicks it after the commit. Polling is made too slow to matter here, so any
 * delivery these tests see came from the kick.
 */
vi.hoisted(() => {
  process.env.KEYSMITH_OUTBOX_POLL_MS = "600000";
});

describe.each(testDatabases)("outbox worker on $name", ({ name }) => {
  let app: AppDb;
  let fake: FakeResend;

  beforeAll(async () => {
    [app, fake] = await Promise.all([openAppDb(name), startFakeResend()]);
    // The worker reads the environment whenever it sends, also between tests: stub it for the whole
    // block, and never let it see a real RESEND_API_KEY from the developer's shell.
    vi.stubEnv("RESEND_API_KEY", undefined);
    startOutboxWorker();
    // The first token issued in a process pays for loading and compiling (e-mail rendering, queries):
    // pay it here (into the dev mailbox), so timing assertions measure issuing, not warming up.
    await (await orgWithTwoAdmins()).issue();
    await vi.waitFor(async () => expect(await app.prisma.outboxEmail.count({ where: { status: "PENDING" } })).toBe(0), {
      timeout: 10_000,
      interval: 50,
    });
    vi.stubEnv("RESEND_API_KEY", "re_test");
    vi.stubEnv("RESEND_BASE_URL", fake.url);
  });

  afterAll(async () => {
    await stopOutboxWorker();
    vi.unstubAllEnvs();
    await Promise.all([app?.close(), fake?.close()]);
    delete process.env.KEYSMITH_OUTBOX_POLL_MS;
  });

  beforeEach(async () => {
    await app.prisma.outboxEmail.deleteMany();
    fake.reset();
  });

  async function orgWithTwoAdmins() {
    const { org, admin } = await createOrgWithAdmin(app.prisma);
    const { user: secondAdmin } = await addMember(app.prisma, org.id, "ADMIN");
    const meta: ChangeMeta = { orgId: org.id, actor: actorFor(admin) };
    const issue = () =>
      issueToken(app.prisma, meta, { kind: "WORKSPACE", name: `ci-${uniq()}`, expiresAt: null, permissions: ["projects:read"], createdById: admin.id });
    return { org, admins: [admin, secondAdmin], issue };
  }

  it("returns the token before a slow provider has answered, then the kick sends each admin one mail", async () => {
    const { org, admins, issue } = await orgWithTwoAdmins();
    fake.setLatency(1_500);

    const started = performance.now();
    await issue();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(fake.deliveries).toHaveLength(0);

    await vi.waitFor(() => expect(fake.deliveries).toHaveLength(2), { timeout: 15_000, interval: 50 });
    for (const admin of admins) expect(fake.deliveriesTo(admin.email), admin.email).toHaveLength(1);
    await vi.waitFor(
      async () => {
        const rows = await app.prisma.outboxEmail.findMany({ where: { orgId: org.id } });
        expect(rows.map((r) => r.status)).toEqual(["SENT", "SENT"]);
      },
      { timeout: 5_000, interval: 50 },
    );
  });

  it("keeps the token and the mail through an outage: the kick's attempt fails and is rescheduled", async () => {
    const { org, admins, issue } = await orgWithTwoAdmins();
    fake.setDown(true);

    const started = performance.now();
    const issued = await issue();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(await app.prisma.token.findUnique({ where: { id: issued.token.id } })).not.toBeNull();

    await vi.waitFor(
      async () => {
        const rows = await app.prisma.outboxEmail.findMany({ where: { orgId: org.id } });
        expect(rows).toHaveLength(2);
        for (const row of rows) expect(row).toMatchObject({ status: "PENDING", attempts: 1, leaseUntil: null, lastError: expect.stringMatching(/internal_server_error/) });
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(fake.requests.map((r) => r.outcome)).toEqual(["failed", "failed"]);

    fake.setDown(false);
    const rows = await app.prisma.outboxEmail.findMany({ where: { orgId: org.id } });
    const due = new Date(Math.max(...rows.map((r) => r.nextAttemptAt.getTime())) + 1);
    expect(await deliverDue(app.prisma, due)).toEqual({ sent: 2, failed: 0 });
    for (const admin of admins) expect(fake.deliveriesTo(admin.email), admin.email).toHaveLength(1);
  });
});
