/**
 * Webhooks (issue 14): events written in the change's own transaction,
 * delivered per the Standard Webhooks specification to a receiver that
 * verifies them with the `standardwebhooks` library, with retries, leases,
 * the egress rules, rotation, auto-disable, test events and redelivery.
 */
import { randomBytes } from "node:crypto";

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import type { PrismaClient } from "@/lib/generated/prisma/client";
import { sendExpiryReminders } from "@/lib/jobs/expiry-reminders";
import { changeRole, removeMember } from "@/lib/members/service";
import { acceptInvitation, inviteMember } from "@/lib/members/invitations";
import { hashToken } from "@/lib/tokens/format";
import { revokeTokens } from "@/lib/tokens/revoke";
import { issueToken, regenerateToken, revokeToken } from "@/lib/tokens/service";
import { deliverDue, DISABLE_AFTER_MS, LEASE_MS, MAX_ATTEMPTS, retryDelayMs, setWebhookLookup } from "@/lib/webhooks/delivery";
import { resealWebhookSecrets } from "@/lib/webhooks/reseal";
import {
  createEndpoint,
  listDeliveries,
  redeliver,
  rotateEndpointSecret,
  sendTestEvent,
  setEndpointEnabled,
  updateEndpoint,
} from "@/lib/webhooks/service";
import type { WebhookEndpointInput } from "@/lib/schemas/webhooks";
import { DomainError } from "@/lib/errors";

import { testDatabases } from "../support/databases";
import { actorFor, createOrgWithAdmin, uniq } from "../support/fixtures";
import { openTestDb, type TestDb } from "../support/test-db";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver";

/** Seals the endpoints' secrets (a random key per run: no secret is a constant). */
const ENCRYPTION_KEY = randomBytes(32).toString("base64");
const ALL: WebhookEndpointInput = { url: "", eventScope: "all", events: [] };
const HOUR = 3_600_000;

/** Runs the sender until nothing is due at `now` (a receiver that fails stops it after one round). */
async function drain(prisma: PrismaClient, now = new Date()) {
  let round;
  let total = { delivered: 0, failed: 0 };
  do {
    round = await deliverDue(prisma, now);
    total = { delivered: total.delivered + round.delivered, failed: total.failed + round.failed };
  } while (round.delivered + round.failed > 0 && round.failed === 0);
  return total;
}

describe.each(testDatabases)("webhooks on $name", ({ name }) => {
  let db: TestDb;
  let prisma: PrismaClient;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    db = await openTestDb(name);
    prisma = db.prisma;
  });
  afterAll(async () => {
    await db?.close();
  });
  beforeEach(() => {
    // The receiver listens on loopback: opted in as a self-hoster would (the rules stay on for everything else).
    vi.stubEnv("KEYSMITH_UPSTREAM_ALLOW_HOSTS", "127.0.0.1");
    vi.stubEnv("KEYSMITH_WEBHOOK_TIMEOUT_MS", "1500");
    vi.stubEnv("KEYSMITH_ENCRYPTION_KEY", ENCRYPTION_KEY);
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    setWebhookLookup();
    await receiver?.close();
    // Each test sees only its own deliveries: the last one's receiver is gone.
    await prisma.webhookEndpoint.deleteMany({});
  });

  async function orgWithEndpoint(input: Partial<WebhookEndpointInput> = {}) {
    const o = await createOrgWithAdmin(prisma);
    receiver = await startWebhookReceiver([]);
    const { endpoint, secret } = await createEndpoint(prisma, o.ctx, { ...ALL, url: receiver.url, ...input });
    receiver.secrets = [secret];
    return { ...o, endpoint, secret };
  }

  it("delivers token events, signed per Standard Webhooks, with masked tokens and never a secret", async () => {
    const { org, admin, ctx, endpoint, secret } = await orgWithEndpoint();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const stored = await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(stored.secretEnc).not.toContain(secret.slice(6));

    const parent = await issueToken(prisma, ctx, { kind: "ORGANIZATION", name: `org-${uniq()}`, role: "ADMIN", expiresAt: null, createdById: admin.id });
    const child = await issueToken(prisma, { ...ctx, actor: { type: "token", id: parent.token.id, label: parent.token.name } }, {
      kind: "WORKSPACE",
      name: `minted-${uniq()}`,
      permissions: ["projects:read"],
      expiresAt: null,
      createdById: null,
      createdByTokenId: parent.token.id,
    });
    const regenerated = await regenerateToken(prisma, ctx, child.token.id);
    await revokeToken(prisma, ctx, parent.token.id);

    expect(await drain(prisma)).toEqual({ delivered: 5, failed: 0 });
    expect(receiver.rejected).toBe(0);
    expect(receiver.received.map((r) => r.type)).toEqual(expect.arrayContaining(["token.created", "token.created", "token.regenerated", "token.revoked", "token.revoked"]));
    const created = receiver.received.find((r) => r.type === "token.created" && (r.payload.data.token as { id: string }).id === child.token.id)!;
    expect(created.payload.data).toMatchObject({
      organization: { slug: org.slug, name: org.name },
      token: { id: child.token.id, kind: "workspace", name: child.token.name, masked: child.token.masked, permissions: ["projects:read"] },
      actor: { type: "token", label: parent.token.name },
    });
    expect(created.id).toMatch(/^msg_/);
    const revokedChild = receiver.received.find((r) => r.type === "token.revoked" && (r.payload.data.token as { id: string }).id === child.token.id)!;
    expect(revokedChild.payload.data).toMatchObject({ reason: "minted by a revoked token", minted_by: { id: parent.token.id } });

    // Nothing a receiver gets can authenticate: no secret, no hash, no user id.
    const everything = receiver.received.map((r) => r.body).join("\n");
    for (const s of [parent.secret, child.secret, regenerated.secret]) {
      expect(everything).not.toContain(s);
      expect(everything).not.toContain(hashToken(s));
    }
    expect(everything).not.toContain(admin.id);
  });

  it("sends member events, and only the types an endpoint subscribes to", async () => {
    const { org, admin, ctx } = await orgWithEndpoint({ eventScope: "some", events: ["member.added", "member.role_changed", "member.removed"] });
    const invitee = await prisma.user.create({ data: { email: `new-${uniq()}@example.test`, name: "New Person", passwordHash: "x" } });
    const inviteSecret = (await inviteMember(prisma, { ...ctx, invitedById: admin.id }, invitee.email, "VIEWER")).path.slice("/invite/".length);
    await acceptInvitation(prisma, inviteSecret, invitee);
    const membership = await prisma.membership.findFirstOrThrow({ where: { orgId: org.id, userId: invitee.id } });
    await changeRole(prisma, ctx, membership.id, "DEVELOPER");
    await issueToken(prisma, { ...ctx, actor: actorFor(invitee) }, { kind: "WORKSPACE", name: `t-${uniq()}`, permissions: ["projects:read"], expiresAt: null, createdById: invitee.id });
    await removeMember(prisma, ctx, membership.id);

    await drain(prisma);
    // token.created and the removal's token.revoked are not subscribed to: not even queued.
    const byType = new Map(receiver.received.map((r) => [r.type, r.payload.data]));
    expect([...byType.keys()].sort()).toEqual(["member.added", "member.removed", "member.role_changed"]);
    expect(receiver.received).toHaveLength(3);
    expect(byType.get("member.added")).toMatchObject({ member: { email: invitee.email, name: "New Person", role: "VIEWER" }, invited_by: admin.email });
    expect(byType.get("member.role_changed")).toMatchObject({ from: "VIEWER", to: "DEVELOPER", actor: { type: "user", label: admin.email } });
    expect(byType.get("member.removed")).toMatchObject({ member: { email: invitee.email, role: "DEVELOPER" }, revoked_tokens: 1 });
    expect(await prisma.webhookDelivery.count({ where: { orgId: org.id } })).toBe(3);
  });

  it("writes the event in the change's own transaction: a refused change queues nothing", async () => {
    const { org, admin, ctx } = await orgWithEndpoint();
    const name = `dup-${uniq()}`;
    await issueToken(prisma, ctx, { kind: "WORKSPACE", name, permissions: [], expiresAt: null, createdById: admin.id });
    await expect(issueToken(prisma, ctx, { kind: "WORKSPACE", name, permissions: [], expiresAt: null, createdById: admin.id })).rejects.toBeInstanceOf(DomainError);
    expect(await prisma.webhookDelivery.count({ where: { orgId: org.id } })).toBe(1);

    // A revocation whose transaction rolls back after the event was written leaves no event either.
    const { token } = await issueToken(prisma, ctx, { kind: "WORKSPACE", name: `rb-${uniq()}`, permissions: [], expiresAt: null, createdById: admin.id });
    await expect(
      prisma.$transaction(async (tx) => {
        await revokeTokens(tx, ctx, [token.id], "test");
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(await prisma.webhookDelivery.count({ where: { orgId: org.id, eventType: "token.revoked" } })).toBe(0);
    expect((await prisma.token.findUniqueOrThrow({ where: { id: token.id } })).status).toBe("ACTIVE");
  });

  it("emits token.expiring once, with the reminder e-mails, when the expiry-reminder job runs", async () => {
    const { admin, ctx } = await orgWithEndpoint();
    // Far in the future, so no other test's token is due in the same run.
    const t0 = Date.now() + 2_000 * 86_400_000;
    const { token } = await issueToken(prisma, ctx, { kind: "WORKSPACE", name: `exp-${uniq()}`, permissions: [], expiresAt: new Date(t0 + 30 * 86_400_000), createdById: admin.id });
    await prisma.token.update({ where: { id: token.id }, data: { createdAt: new Date(t0) } });
    expect(await sendExpiryReminders(prisma, new Date(t0 + 24.5 * 86_400_000))).toBe(1);
    expect(await sendExpiryReminders(prisma, new Date(t0 + 24.6 * 86_400_000))).toBe(0);
    await drain(prisma);
    const expiring = receiver.received.filter((r) => r.type === "token.expiring" && (r.payload.data as { token: { id: string } }).token.id === token.id);
    expect(expiring).toHaveLength(1);
    expect(expiring[0].payload.data).toMatchObject({ days_left: 6, token: { id: token.id, masked: token.masked, expires_at: new Date(t0 + 30 * 86_400_000).toISOString() } });
  });

  it("retries a receiver that is down with growing delays, and delivers each event once after it recovers", async () => {
    const { admin, ctx, endpoint } = await orgWithEndpoint();
    receiver.mode = "fail";
    await issueToken(prisma, ctx, { kind: "WORKSPACE", name: `a-${uniq()}`, permissions: [], expiresAt: null, createdById: admin.id });
    await issueToken(prisma, ctx, { kind: "WORKSPACE", name: `b-${uniq()}`, permissions: [], expiresAt: null, createdById: admin.id });

    let now = new Date();
    expect(await deliverDue(prisma, now)).toEqual({ delivered: 0, failed: 2 });
    let rows = await prisma.webhookDelivery.findMany({ where: { endpointId: endpoint.id } });
    expect(rows.every((r) => r.status === "PENDING" && r.attempts === 1 && r.lastStatus === 500)).toBe(true);
    // Not due again before the backoff: nothing is sent.
    expect(await deliverDue(prisma, new Date(now.getTime() + 1_000))).toEqual({ delivered: 0, failed: 0 });

    // Down for a while: each retry waits longer than the one before.
    receiver.mode = "drop";
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      const due = Math.max(...rows.map((r) => r.nextAttemptAt.getTime()));
      waits.push(due - now.getTime());
      now = new Date(due + 1);
      expect((await deliverDue(prisma, now)).failed).toBe(2);
      rows = await prisma.webhookDelivery.findMany({ where: { endpointId: endpoint.id } });
    }
    expect(waits[3]).toBeGreaterThan(waits[0]);
    expect(rows.every((r) => r.lastStatus === null && r.lastError === "The endpoint could not be reached.")).toBe(true);
    expect((await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).failingSince).not.toBeNull();

    receiver.mode = "ok";
    now = new Date(Math.max(...rows.map((r) => r.nextAttemptAt.getTime())) + 1);
    expect(await drain(prisma, now)).toEqual({ delivered: 2, failed: 0 });
    expect(await drain(prisma, new Date(now.getTime() + 10 * HOUR))).toEqual({ delivered: 0, failed: 0 });
    expect(receiver.received).toHaveLength(2);
    expect(new Set(receiver.received.map((r) => r.id)).size).toBe(2);
    const done = await prisma.webhookDelivery.findMany({ where: { endpointId: endpoint.id } });
    expect(done.every((r) => r.status === "SUCCEEDED" && r.attempts === 6 && r.lastStatus === 204 && r.lastLatencyMs !== null)).toBe(true);
    expect((await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).failingSince).toBeNull();
  });

  it("gives up after the last attempt, and a redelivery sends the same event (same webhook-id) again", async () => {
    const { admin, ctx, endpoint } = await orgWithEndpoint();
    await issueToken(prisma, ctx, { kind: "WORKSPACE", name: `x-${uniq()}`, permissions: [], expiresAt: null, createdById: admin.id });
    const [delivery] = await prisma.webhookDelivery.findMany({ where: { endpointId: endpoint.id } });
    await prisma.webhookDelivery.update({ where: { id: delivery.id }, data: { attempts: MAX_ATTEMPTS - 1 } });
    receiver.mode = "fail";
    await deliverDue(prisma);
    const failed = await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } });
    expect(failed.status).toBe("FAILED");
    expect(await deliverDue(prisma, new Date(Date.now() + 30 * HOUR))).toEqual({ delivered: 0, failed: 0 });

    receiver.mode = "ok";
    await redeliver(prisma, ctx, endpoint.id, delivery.id);
    await drain(prisma);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0].id).toBe(delivery.eventId);
    const log = await listDeliveries(prisma, ctx.orgId, endpoint.id);
    expect(log.items.map((d) => d.status)).toEqual(["SUCCEEDED", "FAILED"]);
  });

  it("sends a test event to one endpoint, even while it is disabled; other deliveries wait for it to be enabled", async () => {
    const { admin, ctx, endpoint } = await orgWithEndpoint();
    await setEndpointEnabled(prisma, ctx, endpoint.id, false);
    await issueToken(prisma, ctx, { kind: "WORKSPACE", name: `y-${uniq()}`, permissions: [], expiresAt: null, createdById: admin.id });
    await sendTestEvent(prisma, ctx, endpoint.id);
    await drain(prisma);
    expect(receiver.received.map((r) => r.type)).toEqual(["webhook.test"]);

    await setEndpointEnabled(prisma, ctx, endpoint.id, true);
    await issueToken(prisma, ctx, { kind: "WORKSPACE", name: `z-${uniq()}`, permissions: [], expiresAt: null, createdById: admin.id });
    await drain(prisma);
    expect(receiver.received.map((r) => r.type)).toEqual(["webhook.test", "token.created"]);
  });

  it("signs with both secrets during a rotation's overlap, then with the new one only", async () => {
    const { admin, ctx, endpoint, secret: old } = await orgWithEndpoint();
    const { secret: fresh } = await rotateEndpointSecret(prisma, ctx, endpoint.id, HOUR);
    expect(fresh).not.toBe(old);
    await issueToken(prisma, ctx, { kind: "WORKSPACE", name: `r-${uniq()}`, permissions: [], expiresAt: null, createdById: admin.id });
    // A receiver still on the old secret accepts; one already on the new secret too.
    receiver.secrets = [old];
    await drain(prisma);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0].signature.split(" ")).toHaveLength(2);

    await rotateEndpointSecret(prisma, ctx, endpoint.id, 0);
    receiver.secrets = [fresh];
    await issueToken(prisma, ctx, { kind: "WORKSPACE", name: `s-${uniq()}`, permissions: [], expiresAt: null, createdById: admin.id });
    await drain(prisma);
    // The second rotation had no overlap: `fresh` is no longer the signing secret either.
    expect(receiver.rejected).toBe(1);
  });

  it("applies the upstream's egress rules: loopback refused on save and on the address dialled, redirects not followed, a deadline", async () => {
    const o = await createOrgWithAdmin(prisma);
    receiver = await startWebhookReceiver([]);
    vi.stubEnv("KEYSMITH_UPSTREAM_ALLOW_HOSTS", "");
    await expect(createEndpoint(prisma, o.ctx, { ...ALL, url: receiver.url })).rejects.toThrow(/Not allowed as a webhook URL: loopback address/);
    await expect(createEndpoint(prisma, o.ctx, { ...ALL, url: "http://169.254.169.254/latest" })).rejects.toThrow(/link-local/);
    await expect(createEndpoint(prisma, o.ctx, { ...ALL, url: "http://localhost:9/x" })).rejects.toThrow(/localhost/);

    // A public name on save that resolves to loopback when dialled (DNS rebinding): refused at the socket.
    setWebhookLookup(async () => [{ address: "93.184.216.34", family: 4 }]);
    const port = new URL(receiver.url).port;
    const { endpoint, secret } = await createEndpoint(prisma, o.ctx, { ...ALL, url: `http://hooks.example.test:${port}/hooks/keysmith` });
    receiver.secrets = [secret];
    setWebhookLookup(async () => [{ address: "127.0.0.1", family: 4 }]);
    // The sender dials what the guarded lookup answers (the system resolver knows no hooks.example.test):
    // with loopback opted in, it arrives ...
    vi.stubEnv("KEYSMITH_UPSTREAM_ALLOW_HOSTS", "127.0.0.1");
    await sendTestEvent(prisma, o.ctx, endpoint.id);
    expect(await deliverDue(prisma)).toEqual({ delivered: 1, failed: 0 });
    // ... and without the opt-in (on a new connection: a pooled one was checked when it was dialled), the same answer is refused.
    vi.stubEnv("KEYSMITH_UPSTREAM_ALLOW_HOSTS", "");
    setWebhookLookup(async () => [{ address: "127.0.0.1", family: 4 }]);
    await sendTestEvent(prisma, o.ctx, endpoint.id);
    expect(await deliverDue(prisma)).toEqual({ delivered: 0, failed: 1 });
    expect(receiver.hits).toBe(1);
    expect((await listDeliveries(prisma, o.ctx.orgId, endpoint.id)).items[0].lastError).toBe("The endpoint could not be reached.");

    vi.stubEnv("KEYSMITH_UPSTREAM_ALLOW_HOSTS", "127.0.0.1");
    setWebhookLookup();
    await updateEndpoint(prisma, o.ctx, endpoint.id, { ...ALL, url: receiver.url });
    receiver.mode = "redirect";
    await sendTestEvent(prisma, o.ctx, endpoint.id);
    await deliverDue(prisma);
    expect((await listDeliveries(prisma, o.ctx.orgId, endpoint.id)).items[0]).toMatchObject({ lastStatus: 302, status: "PENDING" });
    expect(receiver.hits).toBe(2);

    receiver.mode = "hang";
    await sendTestEvent(prisma, o.ctx, endpoint.id);
    const started = Date.now();
    await deliverDue(prisma);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await listDeliveries(prisma, o.ctx.orgId, endpoint.id)).items[0].lastError).toBe("No answer within 1.5 s.");
  });

  it("disables an endpoint that has failed for days, audits it and e-mails the admins", async () => {
    const { org, admin, ctx, endpoint } = await orgWithEndpoint();
    receiver.mode = "fail";
    await issueToken(prisma, ctx, { kind: "WORKSPACE", name: `d-${uniq()}`, permissions: [], expiresAt: null, createdById: admin.id });
    const t0 = new Date();
    await deliverDue(prisma, t0);
    expect((await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).enabled).toBe(true);
    // Still failing three days later: off.
    const later = new Date(t0.getTime() + DISABLE_AFTER_MS + 1);
    await deliverDue(prisma, later);
    const off = await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(off.enabled).toBe(false);
    expect(off.disabledReason).toMatch(/failed for 3 days/);
    expect(await prisma.auditEvent.count({ where: { orgId: org.id, action: "webhook.disabled", actorType: "system" } })).toBe(1);
    const mail = await prisma.outboxEmail.findFirstOrThrow({ where: { to: admin.email, subject: { contains: "Webhook endpoint disabled" } } });
    expect(mail.text).toContain(endpoint.url);
    // Nothing more is attempted while it is off.
    expect(await deliverDue(prisma, new Date(later.getTime() + 10 * HOUR))).toEqual({ delivered: 0, failed: 0 });
  });

  it("never sends one attempt twice when senders race for the same rows", async () => {
    const { admin, ctx } = await orgWithEndpoint();
    for (let i = 0; i < 12; i++) await issueToken(prisma, ctx, { kind: "WORKSPACE", name: `race-${i}-${uniq()}`, permissions: [], expiresAt: null, createdById: admin.id });
    const rounds = await Promise.all([drain(prisma), drain(prisma), drain(prisma)]);
    expect(rounds.reduce((n, r) => n + r.delivered, 0)).toBe(12);
    expect(receiver.received).toHaveLength(12);
    expect(new Set(receiver.received.map((r) => r.id)).size).toBe(12);
  });

  it("loses nothing when a sender dies holding a lease: the delivery goes out once the lease ends", async () => {
    const { admin, ctx, endpoint } = await orgWithEndpoint();
    await issueToken(prisma, ctx, { kind: "WORKSPACE", name: `crash-${uniq()}`, permissions: [], expiresAt: null, createdById: admin.id });
    // Another instance claimed it (attempt 1) and was killed before it answered.
    const now = new Date();
    await prisma.webhookDelivery.updateMany({ where: { endpointId: endpoint.id }, data: { attempts: 1, leaseUntil: new Date(now.getTime() + LEASE_MS) } });
    expect(await deliverDue(prisma, now)).toEqual({ delivered: 0, failed: 0 });
    expect(receiver.hits).toBe(0);
    expect(await deliverDue(prisma, new Date(now.getTime() + LEASE_MS + 1))).toEqual({ delivered: 1, failed: 0 });
    expect(receiver.received).toHaveLength(1);
    expect((await prisma.webhookDelivery.findFirstOrThrow({ where: { endpointId: endpoint.id } })).attempts).toBe(2);
  });

  it("seals signing secrets again after an encryption key rotation, and they keep signing", async () => {
    const { admin, ctx, endpoint } = await orgWithEndpoint();
    await rotateEndpointSecret(prisma, ctx, endpoint.id, HOUR);
    const before = await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    const newKey = randomBytes(32).toString("base64");
    vi.stubEnv("KEYSMITH_ENCRYPTION_KEY", newKey);
    vi.stubEnv("KEYSMITH_ENCRYPTION_KEYS_PREVIOUS", ENCRYPTION_KEY);
    expect(await resealWebhookSecrets(prisma)).toBe(2);
    const after = await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(after.secretEnc).not.toBe(before.secretEnc);
    // The old key can go: deliveries are still signed with the same secrets.
    vi.stubEnv("KEYSMITH_ENCRYPTION_KEYS_PREVIOUS", "");
    await issueToken(prisma, ctx, { kind: "WORKSPACE", name: `k-${uniq()}`, permissions: [], expiresAt: null, createdById: admin.id });
    await drain(prisma);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0].signature.split(" ")).toHaveLength(2);
  });

  it("backs off exponentially with jitter, within bounds", () => {
    expect(retryDelayMs(1, () => 0.5)).toBe(10_000);
    expect(retryDelayMs(2, () => 0.5)).toBe(20_000);
    expect(retryDelayMs(1, () => 0)).toBe(8_000);
    expect(retryDelayMs(1, () => 1)).toBe(12_000);
    expect(retryDelayMs(30, () => 0.5)).toBe(6 * HOUR);
  });
});
