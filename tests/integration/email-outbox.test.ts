import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import { backoffMs, deliverDue, MAX_ATTEMPTS, mailProvider } from "@/lib/email/delivery";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { ROLE_LABELS, type ApiPermission } from "@/lib/authz";
import { displayParts, maskToken } from "@/lib/tokens/format";
import { DomainError } from "@/lib/errors";
import { issueToken, regenerateToken, type ChangeMeta, type TokenView } from "@/lib/tokens/service";

import { testDatabases } from "../support/databases";
import { startFakeResend, type FakeResend, type FakeResendMail } from "../support/fake-resend";
import { actorFor, addMember, createOrgWithAdmin, uniq } from "../support/fixtures";
import { openReopenableDb, type ReopenableDb } from "../support/reopenable-db";
import { openTestDb, type TestDb } from "../support/test-db";

/** docs/contract.md §5: token e-mail to every org admin, through a transactional outbox, with retries and idempotency keys. */

const CONSOLE_URL = "https://console.keysmith.test";
const EMAIL_FROM = "Keysmith <alerts@keysmith.test>";
const PERMISSIONS: ApiPermission[] = ["projects:read", "tokens:create"];

/** Points the real Resend SDK at the fake (deliverDue builds its Resend client on every call). */
function useResend(fake: FakeResend) {
  vi.stubEnv("RESEND_API_KEY", "re_test");
  vi.stubEnv("RESEND_BASE_URL", fake.url);
}

/** "2026-11-23 19:07:05 UTC", computed here independently of lib/email. */
function utc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** One millisecond after the latest nextAttemptAt of the rows: the earliest clock at which all are due again. */
function justAfter(rows: Array<{ nextAttemptAt: Date }>): Date {
  return new Date(Math.max(...rows.map((r) => r.nextAttemptAt.getTime())) + 1);
}

/** An org with two admins and a developer; the developer (with a recognizable name) creates the tokens. */
async function orgWithTwoAdmins(prisma: PrismaClient) {
  const { org, admin } = await createOrgWithAdmin(prisma);
  const { user: secondAdmin } = await addMember(prisma, org.id, "ADMIN");
  const { user: developer } = await addMember(prisma, org.id, "DEVELOPER");
  const creator = await prisma.user.update({ where: { id: developer.id }, data: { name: `Dev Eloper ${uniq()}` } });
  const meta: ChangeMeta = { orgId: org.id, actor: actorFor(creator), ip: "203.0.113.7", userAgent: "vitest" };
  const issue = (db: PrismaClient = prisma, name = `ci-${uniq()}`) =>
    issueToken(db, meta, { kind: "WORKSPACE", name, expiresAt: null, permissions: PERMISSIONS, createdById: creator.id });
  return { org, admins: [admin, secondAdmin], creator, meta, issue };
}

type Org = Awaited<ReturnType<typeof orgWithTwoAdmins>>;

/** Checks one delivered mail against docs/contract.md §5: everything an admin needs, never the secret. */
function expectTokenMail(
  mail: FakeResendMail,
  { org, creator }: Pick<Org, "org" | "creator">,
  { token, secret, action, at }: { token: TokenView; secret: string; action: "created" | "regenerated"; at: string },
) {
  const masked = maskToken(displayParts(secret).prefix, displayParts(secret).last4);
  expect(token.masked).toBe(masked);
  expect(mail.from).toBe(EMAIL_FROM);
  expect(mail.subject).toContain("Workspace token");
  expect(mail.subject).toContain(token.name);
  expect(mail.subject).toContain(action);

  expect(mail.html).toMatch(/<html/i);
  expect(mail.text.trim()).not.toBe("");
  expect(mail.text).not.toMatch(/<\/?(html|body|table|td)\b/i);
  const link = `${CONSOLE_URL}/o/${org.slug}/tokens/workspace?token=${token.id}`;
  for (const [part, body] of [["html", mail.html], ["text", mail.text]] as const) {
    const what = `${part} part of "${mail.subject}"`;
    expect(body, what).toContain("Workspace token");
    expect(body, what).toContain(token.name);
    for (const permission of PERMISSIONS) expect(body, what).toContain(permission);
    expect(body, what).toContain(creator.name);
    expect(body, what).toContain(creator.email);
    expect(body, what).toContain(utc(at));
    expect(body, what).toContain(masked);
    expect(body, what).toContain(link);
    expect(body, what).toMatch(new RegExp(action, "i"));
  }

  for (const [part, body] of [["subject", mail.subject], ["html", mail.html], ["text", mail.text]] as const) {
    expect(body, `${part} leaks the secret`).not.toContain(secret);
    // Not even the part that the masked form hides.
    expect(body, `${part} leaks the secret's middle`).not.toContain(secret.slice(8, -4));
  }
}

describe("backoffMs", () => {
  it("doubles from 2 s per attempt", () => {
    expect([1, 2, 3, 4, 5].map(backoffMs)).toEqual([2_000, 4_000, 8_000, 16_000, 32_000]);
  });

  it("never shrinks and is capped at 15 minutes", () => {
    const cap = 15 * 60_000;
    let previous = 0;
    for (let attempts = 1; attempts <= 100; attempts++) {
      const ms = backoffMs(attempts);
      expect(ms, `attempt ${attempts}`).toBeGreaterThanOrEqual(previous);
      expect(ms, `attempt ${attempts}`).toBeLessThanOrEqual(cap);
      previous = ms;
    }
    expect(backoffMs(9)).toBe(512_000);
    expect(backoffMs(10)).toBe(cap);
    expect(backoffMs(MAX_ATTEMPTS)).toBe(cap);
    expect(backoffMs(1_000)).toBe(cap);
  });

  it("treats 0 attempts like the first", () => {
    expect(backoffMs(0)).toBe(2_000);
  });
});

describe.each(testDatabases)("e-mail outbox on $name", ({ name }) => {
  let db: TestDb;
  let fake: FakeResend;

  beforeAll(async () => {
    [db, fake] = await Promise.all([openTestDb(name), startFakeResend()]);
    // The first token issued in a process pays for loading and compiling (e-mail rendering, queries):
    // pay it here, so timing assertions measure issuing, not warming up.
    await (await orgWithTwoAdmins(db.prisma)).issue();
  });

  afterAll(async () => {
    await Promise.all([db?.close(), fake?.close()]);
  });

  beforeEach(async () => {
    // deliverDue sends every due row of the database: start each test with an empty outbox.
    await db.prisma.outboxEmail.deleteMany();
    fake.reset();
    vi.stubEnv("NEXTAUTH_URL", CONSOLE_URL);
    vi.stubEnv("EMAIL_FROM", EMAIL_FROM);
    useResend(fake);
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  const outbox = (orgId: string) => db.prisma.outboxEmail.findMany({ where: { orgId }, orderBy: [{ createdAt: "asc" }, { to: "asc" }] });

  it("queues one mail per admin with the token, and sends each admin exactly one through Resend", async () => {
    const setup = await orgWithTwoAdmins(db.prisma);
    const { org, admins, creator, issue } = setup;
    const issued = await issue();

    const rows = await outbox(org.id);
    expect(rows.map((r) => r.to).sort()).toEqual(admins.map((a) => a.email).sort());
    expect(rows.map((r) => r.to)).not.toContain(creator.email);
    for (const row of rows) expect(row).toMatchObject({ status: "PENDING", attempts: 0, provider: null, sentAt: null });
    expect(new Set(rows.map((r) => r.idempotencyKey)).size).toBe(2);

    expect(await deliverDue(db.prisma)).toEqual({ sent: 2, failed: 0 });

    expect(fake.deliveries).toHaveLength(2);
    expect(fake.requests).toHaveLength(2);
    for (const admin of admins) {
      const mails = fake.deliveriesTo(admin.email);
      expect(mails, admin.email).toHaveLength(1);
      expect(mails[0].to).toEqual([admin.email]);
      expectTokenMail(mails[0], setup, { token: issued.token, secret: issued.secret, action: "created", at: issued.token.createdAt });
    }
    for (const request of fake.requests) expect(request.authorization).toBe("Bearer re_test");

    const sent = await outbox(org.id);
    for (const row of sent) {
      const delivery = fake.deliveriesTo(row.to)[0];
      expect(row).toMatchObject({ status: "SENT", provider: "resend", providerId: delivery.id, attempts: 1, leaseUntil: null, lastError: null });
      expect(row.sentAt).toBeInstanceOf(Date);
      expect(delivery.idempotencyKey).toBe(row.idempotencyKey);
    }

    // Regenerating mails both admins again, about the new masked token.
    const regenerated = await regenerateToken(db.prisma, setup.meta, issued.token.id);
    expect(regenerated.token.masked).not.toBe(issued.token.masked);
    expect(await outbox(org.id)).toHaveLength(4);
    expect(await deliverDue(db.prisma)).toEqual({ sent: 2, failed: 0 });

    expect(fake.deliveries).toHaveLength(4);
    for (const admin of admins) {
      const mails = fake.deliveriesTo(admin.email);
      expect(mails, admin.email).toHaveLength(2);
      const latest = mails[1];
      expect(latest.subject).toContain("regenerated");
      expectTokenMail(latest, setup, {
        token: regenerated.token,
        secret: regenerated.secret,
        action: "regenerated",
        at: regenerated.token.regeneratedAt!,
      });
      expect(latest.html).not.toContain(issued.secret);
      expect(latest.text).not.toContain(issued.secret);
    }
  });

  it("says in a regeneration mail until when the old secret works, without either secret", async () => {
    const setup = await orgWithTwoAdmins(db.prisma);
    const issued = await setup.issue();
    const immediate = await regenerateToken(db.prisma, setup.meta, issued.token.id);
    const overlapped = await regenerateToken(db.prisma, setup.meta, issued.token.id, 60 * 60_000);
    const rows = await outbox(setup.org.id);
    const about = (masked: string) => rows.filter((r) => r.text.includes(masked) && r.subject.includes("regenerated"));

    expect(about(immediate.token.masked)).toHaveLength(2);
    for (const row of about(immediate.token.masked)) expect(row.text).toMatch(/stopped working at once/);
    const until = utc(new Date(Date.parse(overlapped.token.regeneratedAt!) + 60 * 60_000).toISOString());
    expect(about(overlapped.token.masked)).toHaveLength(2);
    for (const row of about(overlapped.token.masked)) {
      for (const body of [row.html, row.text]) {
        expect(body).toContain(`keeps working until ${until}`);
        for (const secret of [issued.secret, immediate.secret, overlapped.secret]) expect(body).not.toContain(secret);
      }
    }
  });

  it("describes gateway and organization tokens by their own kind, scope and console page", async () => {
    const { org, admins, creator, meta } = await orgWithTwoAdmins(db.prisma);
    const gateway = await db.prisma.gateway.create({
      data: { orgId: org.id, name: "Echo gateway", slug: `echo-${uniq()}`, upstreamType: "ECHO", models: ["echo-1"] },
    });
    const issued = [
      await issueToken(db.prisma, meta, { kind: "GATEWAY", name: `gw-${uniq()}`, expiresAt: null, gatewayId: gateway.id, createdById: creator.id }),
      await issueToken(db.prisma, meta, { kind: "ORGANIZATION", name: `org-${uniq()}`, expiresAt: null, role: "DEVELOPER", createdById: creator.id }),
    ];
    const expected = [
      { kind: "Gateway token", scope: [gateway.name, gateway.slug], link: `${CONSOLE_URL}/o/${org.slug}/gateways/${gateway.slug}?token=${issued[0].token.id}` },
      { kind: "Organization token", scope: [ROLE_LABELS.DEVELOPER], link: `${CONSOLE_URL}/o/${org.slug}/tokens/organization?token=${issued[1].token.id}` },
    ];

    const rows = await outbox(org.id);
    expect(rows).toHaveLength(4);
    issued.forEach(({ token, secret }, i) => {
      const mails = rows.filter((r) => r.subject.includes(token.name));
      expect(mails.map((m) => m.to).sort()).toEqual(admins.map((a) => a.email).sort());
      for (const mail of mails) {
        expect(mail.subject).toContain(expected[i].kind);
        for (const body of [mail.html, mail.text]) {
          expect(body).toContain(expected[i].kind);
          for (const part of expected[i].scope) expect(body).toContain(part);
          expect(body).toContain(expected[i].link);
          expect(body).toContain(token.masked);
          expect(body).not.toContain(secret);
        }
      }
    });
  });

  // Regression: html-to-text used to flatten the fields table into one run-together line.
  it("lays out the plain-text part one field per line, label then value", async () => {
    const { org, creator, issue } = await orgWithTwoAdmins(db.prisma);
    const { token } = await issue();
    const [{ text }] = await outbox(org.id);

    const line = (label: string, value: string) => new RegExp(`^\\s*${escapeRegExp(label)}:?\\s+${escapeRegExp(value)}\\s*$`, "m");
    expect(text).toMatch(line("Kind", "Workspace token"));
    expect(text).toMatch(line("Label", token.name));
    expect(text).toMatch(line("Token", token.masked));
    expect(text).toMatch(line("Created by", `${creator.name} <${creator.email}>`));
    expect(text).toMatch(line("Time (UTC)", utc(token.createdAt)));
    const scope = text.split("\n").find((l) => /^\s*Scope:?\s/.test(l));
    for (const permission of PERMISSIONS) expect(scope).toContain(permission);
  });

  it("never fails a token creation during an outage, retries with backoff, and then sends each admin one mail", async () => {
    const { org, admins, issue } = await orgWithTwoAdmins(db.prisma);
    fake.setDown(true);

    const started = performance.now();
    const issued = await issue();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(await db.prisma.token.findUnique({ where: { id: issued.token.id } })).toMatchObject({ status: "ACTIVE" });
    expect(await outbox(org.id)).toHaveLength(2);

    // Round 1 during the outage: nothing sent, both rows pushed back.
    const t1 = new Date();
    expect(await deliverDue(db.prisma, t1)).toEqual({ sent: 0, failed: 2 });
    let rows = await outbox(org.id);
    for (const row of rows) {
      expect(row).toMatchObject({ status: "PENDING", attempts: 1, leaseUntil: null, sentAt: null });
      expect(row.lastError).toMatch(/internal_server_error/);
      expect(row.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(t1.getTime() + backoffMs(1));
    }

    // Not due again before the backoff has passed: no hot loop.
    expect(await deliverDue(db.prisma, t1)).toEqual({ sent: 0, failed: 0 });
    expect(await deliverDue(db.prisma, new Date(t1.getTime() + backoffMs(1) - 1))).toEqual({ sent: 0, failed: 0 });
    expect(fake.requests).toHaveLength(2);

    // Round 2, once due, still during the outage: the delay grows.
    const firstRetryAt = rows.map((r) => r.nextAttemptAt.getTime());
    const t2 = justAfter(rows);
    expect(await deliverDue(db.prisma, t2)).toEqual({ sent: 0, failed: 2 });
    rows = await outbox(org.id);
    rows.forEach((row, i) => {
      expect(row).toMatchObject({ status: "PENDING", attempts: 2 });
      expect(row.lastError).toMatch(/internal_server_error/);
      expect(row.nextAttemptAt.getTime()).toBeGreaterThan(t2.getTime());
      expect(row.nextAttemptAt.getTime()).toBeGreaterThan(firstRetryAt[i]);
    });
    expect(fake.deliveries).toHaveLength(0);
    expect(fake.requests.map((r) => r.outcome)).toEqual(["failed", "failed", "failed", "failed"]);

    // The provider is back.
    fake.setDown(false);
    expect(await deliverDue(db.prisma, justAfter(rows))).toEqual({ sent: 2, failed: 0 });
    for (const admin of admins) expect(fake.deliveriesTo(admin.email), admin.email).toHaveLength(1);
    for (const row of await outbox(org.id)) {
      expect(row).toMatchObject({ status: "SENT", provider: "resend", attempts: 3, lastError: null });
    }
    // Every attempt for a row carried the same idempotency key.
    const keys = new Set(fake.requests.map((r) => r.idempotencyKey));
    expect(keys).toEqual(new Set(rows.map((r) => r.idempotencyKey)));
  });

  it("gives up (FAILED) after MAX_ATTEMPTS and never tries again", async () => {
    const { org, issue } = await orgWithTwoAdmins(db.prisma);
    await issue();
    fake.setDown(true);

    let clock = new Date();
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      expect(await deliverDue(db.prisma, clock), `round ${attempt}`).toEqual({ sent: 0, failed: 2 });
      clock = justAfter(await outbox(org.id));
    }
    for (const row of await outbox(org.id)) expect(row).toMatchObject({ status: "FAILED", attempts: MAX_ATTEMPTS });

    fake.setDown(false);
    expect(await deliverDue(db.prisma, new Date(clock.getTime() + 86_400_000))).toEqual({ sent: 0, failed: 0 });
    expect(fake.requests).toHaveLength(2 * MAX_ATTEMPTS);
    expect(fake.deliveries).toHaveLength(0);
  });

  // Regression: the retry time used the wall clock while claiming used `now`, so a
  // round at a later `now` rescheduled into its own past (no backoff).
  it("schedules the retry after the round's own clock (the `now` argument)", async () => {
    const { org, issue } = await orgWithTwoAdmins(db.prisma);
    await issue();
    fake.setDown(true);

    const later = new Date(Date.now() + 60 * 60_000);
    expect(await deliverDue(db.prisma, later)).toEqual({ sent: 0, failed: 2 });
    for (const row of await outbox(org.id)) {
      expect(row.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(later.getTime() + backoffMs(1));
    }
    expect(await deliverDue(db.prisma, later)).toEqual({ sent: 0, failed: 0 });
  });

  it("retries a send whose response was lost with the same idempotency key, so nobody gets it twice", async () => {
    const { org, admins, issue } = await orgWithTwoAdmins(db.prisma);
    await issue();
    fake.loseResponses(1);

    const t1 = new Date();
    expect(await deliverDue(db.prisma, t1)).toEqual({ sent: 1, failed: 1 });
    // The provider accepted both; we only know about one.
    expect(fake.deliveries).toHaveLength(2);
    const lostKey = fake.requests.find((r) => r.outcome === "lost")?.idempotencyKey;
    expect(lostKey).toBeTruthy();
    const lost = await db.prisma.outboxEmail.findUniqueOrThrow({ where: { idempotencyKey: lostKey! } });
    expect(lost).toMatchObject({ status: "PENDING", attempts: 1, providerId: null });
    expect(lost.lastError).toBeTruthy();

    expect(await deliverDue(db.prisma, justAfter([lost]))).toEqual({ sent: 1, failed: 0 });

    const attempts = fake.requests.filter((r) => r.idempotencyKey === lostKey);
    expect(attempts.map((r) => r.outcome)).toEqual(["lost", "replayed"]);
    expect(fake.deliveries).toHaveLength(2);
    for (const admin of admins) expect(fake.deliveriesTo(admin.email), admin.email).toHaveLength(1);
    const delivered = fake.deliveries.find((d) => d.idempotencyKey === lostKey)!;
    expect(await db.prisma.outboxEmail.findUniqueOrThrow({ where: { id: lost.id } })).toMatchObject({
      status: "SENT",
      attempts: 2,
      providerId: delivered.id,
      lastError: null,
    });
    for (const row of await outbox(org.id)) expect(row.status).toBe("SENT");
  });

  it("leaves a mail alone while another sender's lease is live, and claims it again once that lease expires", async () => {
    const { org, admins, issue } = await orgWithTwoAdmins(db.prisma);
    await issue();
    // A sender claimed both rows (as claim() does: lease + attempt) and then died before sending.
    const claimedAt = new Date();
    const leaseUntil = new Date(claimedAt.getTime() + 60_000);
    await db.prisma.outboxEmail.updateMany({ where: { orgId: org.id }, data: { attempts: 1, leaseUntil } });

    expect(await deliverDue(db.prisma, new Date(claimedAt.getTime() + 1_000))).toEqual({ sent: 0, failed: 0 });
    expect(fake.requests).toHaveLength(0);

    expect(await deliverDue(db.prisma, new Date(leaseUntil.getTime() + 1))).toEqual({ sent: 2, failed: 0 });
    for (const admin of admins) expect(fake.deliveriesTo(admin.email), admin.email).toHaveLength(1);
    for (const row of await outbox(org.id)) expect(row).toMatchObject({ status: "SENT", attempts: 2, leaseUntil: null });
  });

  it("claims a PENDING row whose lease is already in the past", async () => {
    const { org, admins, issue } = await orgWithTwoAdmins(db.prisma);
    await issue();
    await db.prisma.outboxEmail.updateMany({
      where: { orgId: org.id },
      data: { attempts: 1, leaseUntil: new Date(Date.now() - 1_000), nextAttemptAt: new Date(Date.now() - 61_000) },
    });

    expect(await deliverDue(db.prisma)).toEqual({ sent: 2, failed: 0 });
    for (const admin of admins) expect(fake.deliveriesTo(admin.email), admin.email).toHaveLength(1);
  });

  it("files mail in the dev mailbox without RESEND_API_KEY, and makes no HTTP request", async () => {
    vi.stubEnv("RESEND_API_KEY", undefined);
    expect(process.env.RESEND_API_KEY).toBeUndefined();
    expect(mailProvider()).toBe("mailbox");
    const { org, admins, issue } = await orgWithTwoAdmins(db.prisma);
    await issue();

    expect(await deliverDue(db.prisma)).toEqual({ sent: 2, failed: 0 });
    const rows = await outbox(org.id);
    expect(rows.map((r) => r.to).sort()).toEqual(admins.map((a) => a.email).sort());
    for (const row of rows) {
      expect(row).toMatchObject({ status: "SENT", provider: "mailbox", providerId: null, attempts: 1, leaseUntil: null });
      expect(row.sentAt).toBeInstanceOf(Date);
    }
    expect(fake.requests).toHaveLength(0);
  });

  it("writes no mail when the token insert is refused (duplicate name)", async () => {
    const { org, issue } = await orgWithTwoAdmins(db.prisma);
    const first = await issue();
    expect(await outbox(org.id)).toHaveLength(2);

    await expect(issue(db.prisma, first.token.name)).rejects.toBeInstanceOf(DomainError);
    await expect(issue(db.prisma, first.token.name)).rejects.toMatchObject({ status: 409, field: "name" });
    expect(await db.prisma.token.count({ where: { orgId: org.id } })).toBe(1);
    expect(await outbox(org.id)).toHaveLength(2);
  });

  it("writes the mail in the token's transaction: a failing outbox write undoes the token, and vice versa", async () => {
    const { org, admins, issue, meta } = await orgWithTwoAdmins(db.prisma);
    const existing = await issue();
    await deliverDue(db.prisma);
    fake.reset();

    // Make the outbox insert for the second admin fail, after the token row was written in the same transaction.
    const refused = await db.prisma.user.update({ where: { id: admins[1].id }, data: { email: `refuse-${uniq()}@example.test` } });
    const fn = `keysmith_test_refuse_${uniq()}`;
    await db.prisma.$executeRawUnsafe(`
      CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW."to" = '${refused.email}' THEN RAISE EXCEPTION 'outbox refused by test'; END IF;
        RETURN NEW;
      END $$`);
    await db.prisma.$executeRawUnsafe(`CREATE TRIGGER ${fn} BEFORE INSERT ON "OutboxEmail" FOR EACH ROW EXECUTE FUNCTION ${fn}()`);
    try {
      const tokensBefore = await db.prisma.token.count({ where: { orgId: org.id } });
      await expect(issue(db.prisma, "never-created")).rejects.toThrow(/outbox refused by test/);
      expect(await db.prisma.token.count({ where: { orgId: org.id } })).toBe(tokensBefore);
      expect(await db.prisma.auditEvent.count({ where: { orgId: org.id, targetLabel: "never-created" } })).toBe(0);

      const before = await db.prisma.token.findUniqueOrThrow({ where: { id: existing.token.id } });
      await expect(regenerateToken(db.prisma, meta, existing.token.id)).rejects.toThrow(/outbox refused by test/);
      const after = await db.prisma.token.findUniqueOrThrow({ where: { id: existing.token.id } });
      expect(after.hash).toBe(before.hash);
      expect(after.regeneratedAt).toBeNull();

      expect(await outbox(org.id)).toHaveLength(2);
      expect(await deliverDue(db.prisma)).toEqual({ sent: 0, failed: 0 });
      expect(fake.requests).toHaveLength(0);
    } finally {
      await db.prisma.$executeRawUnsafe(`DROP TRIGGER ${fn} ON "OutboxEmail"`);
      await db.prisma.$executeRawUnsafe(`DROP FUNCTION ${fn}()`);
    }
  });
});

describe.each(testDatabases)("e-mail outbox across processes on $name", ({ name }) => {
  let store: ReopenableDb;
  let fake: FakeResend;

  beforeAll(async () => {
    fake = await startFakeResend();
  });

  afterAll(async () => {
    await fake?.close();
  });

  beforeEach(async () => {
    store = await openReopenableDb(name);
    fake.reset();
    vi.stubEnv("NEXTAUTH_URL", CONSOLE_URL);
    vi.stubEnv("EMAIL_FROM", EMAIL_FROM);
    useResend(fake);
  });

  afterEach(async () => {
    vi.unstubAllEnvs();
    await store?.destroy();
  });

  it("delivers mail queued by a process that stopped before sending, once per admin, after a restart", async () => {
    const before = await store.connect();
    const setup = await orgWithTwoAdmins(before.prisma);
    const issued = await setup.issue();
    // The process goes away between the commit and the send.
    await before.close();
    expect(fake.requests).toHaveLength(0);

    const after = await store.connect();
    const rows = await after.prisma.outboxEmail.findMany({ where: { orgId: setup.org.id } });
    expect(rows.map((r) => r.to).sort()).toEqual(setup.admins.map((a) => a.email).sort());
    expect(rows.every((r) => r.status === "PENDING")).toBe(true);

    expect(await deliverDue(after.prisma)).toEqual({ sent: 2, failed: 0 });
    expect(await deliverDue(after.prisma)).toEqual({ sent: 0, failed: 0 });
    expect(fake.deliveries).toHaveLength(2);
    for (const admin of setup.admins) {
      const mails = fake.deliveriesTo(admin.email);
      expect(mails, admin.email).toHaveLength(1);
      expectTokenMail(mails[0], setup, { token: issued.token, secret: issued.secret, action: "created", at: issued.token.createdAt });
    }
  });

  it.skipIf(name !== "postgres")("sends each mail exactly once when two senders on separate clients race", async () => {
    const [a, b] = await Promise.all([store.connect(), store.connect()]);
    const setup = await orgWithTwoAdmins(a.prisma);
    const { user: thirdAdmin } = await addMember(a.prisma, setup.org.id, "ADMIN");
    for (let i = 0; i < 15; i++) await setup.issue(i % 2 ? a.prisma : b.prisma);
    const expected = 15 * 3;
    expect(await a.prisma.outboxEmail.count()).toBe(expected);

    let sent = 0;
    for (let round = 0; round < 20; round++) {
      const results = await Promise.all([deliverDue(a.prisma), deliverDue(b.prisma), deliverDue(a.prisma), deliverDue(b.prisma)]);
      expect(results.every((r) => r.failed === 0)).toBe(true);
      const roundSent = results.reduce((n, r) => n + r.sent, 0);
      if (roundSent === 0) break;
      sent += roundSent;
    }

    expect(sent).toBe(expected);
    expect(fake.deliveries).toHaveLength(expected);
    expect(fake.requests).toHaveLength(fake.deliveries.length);
    expect(new Set(fake.requests.map((r) => r.idempotencyKey)).size).toBe(expected);
    for (const admin of [...setup.admins, thirdAdmin]) expect(fake.deliveriesTo(admin.email), admin.email).toHaveLength(15);
    const rows = await b.prisma.outboxEmail.findMany();
    expect(rows.every((r) => r.status === "SENT" && r.attempts === 1)).toBe(true);
  });
});
