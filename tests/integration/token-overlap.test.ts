/**
 * Rotation with overlap (docs/contract.md §7): after a regeneration with an overlap the
 * previous secret keeps working until then, next to the new one; a token has
 * at most one previous secret. Exercised through the Workspace API's /me
 * route against the app's own db(), so the verification cache is in play.
 */
import { setTimeout as delay } from "node:timers/promises";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { me as meRoute } from "@/lib/api/routes/workspace";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { displayParts, hashToken, maskToken } from "@/lib/tokens/format";
import { endOverlap, regenerateToken, revokeToken, setTokenActive, tokenView, type ChangeMeta } from "@/lib/tokens/service";
import { FRESH_MS, verifyToken } from "@/lib/tokens/verify";

import { openAppDbWithOrg, type AppDb } from "../support/app-db";
import { testDatabases } from "../support/databases";
import { issueWorkspaceToken } from "../support/fixtures";
import { expectApiError, noParams, read, workspaceRequest } from "../support/guard-rails";

const HOUR = 3_600_000;

/** How the e-mail writes a time: "2030-05-17 12:34:56 UTC". */
const mailTime = (d: Date) => d.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");

describe.each(testDatabases)("token rotation with overlap on $name", ({ name }) => {
  let app: AppDb;
  let prisma: PrismaClient;
  let org: { id: string; slug: string };
  let admin: { id: string; email: string };
  let meta: ChangeMeta;

  beforeAll(async () => {
    ({ app, prisma, org, admin, meta } = await openAppDbWithOrg(name));
  });

  afterAll(async () => {
    await app?.close();
  });

  async function issue() {
    const { token, secret } = await issueWorkspaceToken(prisma, { meta, admin }, { label: "rotate" });
    return { id: token.id, masked: token.masked, secret };
  }

  const me = async (secret: string) => read(await meRoute.GET(workspaceRequest("/app/me", { token: secret, org: org.slug }), noParams));

  /** The HTTP status /me answers for a secret (asserting the 401 is the uniform one). */
  async function statusOf(secret: string): Promise<number> {
    const r = await me(secret);
    if (r.status === 401) expectApiError(r, 401, "authentication_error");
    return r.status;
  }

  it("keeps the old secret working during a 1 h overlap, next to the new one", async () => {
    const t = await issue();
    expect(await statusOf(t.secret)).toBe(200); // now cached as the current secret

    const before = Date.now();
    const rotated = await regenerateToken(prisma, meta, t.id, HOUR);
    const after = Date.now();

    expect(rotated.secret).not.toBe(t.secret);
    const oldMe = await me(t.secret);
    expect(oldMe.status, oldMe.text).toBe(200);
    expect(oldMe.json).toMatchObject({ id: t.id });
    const newMe = await me(rotated.secret);
    expect(newMe.status, newMe.text).toBe(200);
    expect(newMe.json).toMatchObject({ id: t.id });

    // The view shows the previous secret masked, and until when it works.
    const previous = rotated.token.previous;
    expect(previous).toEqual({ masked: t.masked, validUntil: expect.any(String) });
    const validUntil = new Date(previous!.validUntil).getTime();
    expect(validUntil).toBeGreaterThanOrEqual(before + HOUR);
    expect(validUntil).toBeLessThanOrEqual(after + HOUR);
    expect(rotated.token.masked).not.toBe(t.masked);
    expect((await tokenView(prisma, org.id, t.id))?.previous).toEqual(previous);
    expect(JSON.stringify(rotated.token)).not.toContain(t.secret);

    // Stored: the new hash current, the old one as the previous.
    const row = await prisma.token.findUniqueOrThrow({ where: { id: t.id } });
    expect(row).toMatchObject({ hash: hashToken(rotated.secret), previousHash: hashToken(t.secret), previousValidUntil: new Date(validUntil) });

    // /me and the principal say until when each secret is usable.
    expect(oldMe.json).toMatchObject({ expires_at: null, secret_expires_at: previous!.validUntil });
    expect(newMe.json).toMatchObject({ expires_at: null, secret_expires_at: null });
    expect((await verifyToken(prisma, t.secret))?.usableUntil?.toISOString()).toBe(previous!.validUntil);
    expect((await verifyToken(prisma, rotated.secret))?.usableUntil).toBeNull();

    const event = await prisma.auditEvent.findFirstOrThrow({ where: { targetId: t.id, action: "token.regenerated" } });
    expect(event.metadata).toMatchObject({ from: t.masked, to: rotated.token.masked, previousValidUntil: previous!.validUntil });
  });

  it("usableUntil of the previous secret is the earlier of its overlap end and the token's expiry", async () => {
    const t = await issue();
    const expiresAt = new Date(Date.now() + 10 * 60_000);
    await prisma.token.update({ where: { id: t.id }, data: { expiresAt } });
    const rotated = await regenerateToken(prisma, meta, t.id, HOUR);

    expect((await verifyToken(prisma, t.secret))?.usableUntil).toEqual(expiresAt);
    expect((await verifyToken(prisma, rotated.secret))?.usableUntil).toEqual(expiresAt);
  });

  it("ends the overlap on request: the old secret is refused at once, the new one keeps working", async () => {
    const t = await issue();
    const rotated = await regenerateToken(prisma, meta, t.id, HOUR);
    expect(await statusOf(t.secret)).toBe(200); // the previous secret is now in the verification cache

    const view = await endOverlap(prisma, meta, t.id);

    expect(view.previous).toBeNull();
    expect(await statusOf(t.secret)).toBe(401); // same process: no waiting for the cache
    expect(await statusOf(rotated.secret)).toBe(200);
    expect(await prisma.token.findUniqueOrThrow({ where: { id: t.id } })).toMatchObject({
      previousHash: null,
      previousPrefix: null,
      previousLast4: null,
      previousValidUntil: null,
    });
    const ended = await prisma.auditEvent.findMany({ where: { targetId: t.id, action: "token.overlap_ended" } });
    expect(ended).toHaveLength(1);
    expect(ended[0].metadata).toMatchObject({ previous: t.masked });

    // Ending it again changes nothing and records nothing.
    expect((await endOverlap(prisma, meta, t.id)).previous).toBeNull();
    expect(await prisma.auditEvent.count({ where: { targetId: t.id, action: "token.overlap_ended" } })).toBe(1);
    expect(await statusOf(rotated.secret)).toBe(200);
  });

  it("refuses the old secret once the overlap has run out, even from the cache", async () => {
    const t = await issue();
    const rotated = await regenerateToken(prisma, meta, t.id, HOUR);
    const validUntil = new Date(rotated.token.previous!.validUntil);
    expect(await verifyToken(prisma, t.secret)).not.toBeNull(); // cached now

    // A cached principal is checked against its own end on every use.
    expect(await verifyToken(prisma, t.secret, new Date(validUntil.getTime() - 1))).not.toBeNull();
    expect(await verifyToken(prisma, t.secret, validUntil)).toBeNull();
    expect(await verifyToken(prisma, t.secret, new Date(validUntil.getTime() + 1))).toBeNull();
    expect(await verifyToken(prisma, rotated.secret, new Date(validUntil.getTime() + 1))).not.toBeNull();
  });

  it("refuses the old secret through the API when its overlap end has passed in the database", async () => {
    const t = await issue();
    const rotated = await regenerateToken(prisma, meta, t.id, HOUR);
    expect(await statusOf(t.secret)).toBe(200);

    // A change made behind the service's back: with no change feed running here, the cache entry is trusted ≤ FRESH_MS.
    await prisma.token.update({ where: { id: t.id }, data: { previousValidUntil: new Date(Date.now() - 1_000) } });
    await delay(FRESH_MS + 100);

    expect(await statusOf(t.secret)).toBe(401);
    expect(await statusOf(rotated.secret)).toBe(200);
    expect((await tokenView(prisma, org.id, t.id))?.previous).toBeNull();
  });

  it("keeps only one previous secret: regenerating during an overlap ends the older one at once", async () => {
    const first = await issue();
    const second = await regenerateToken(prisma, meta, first.id, HOUR);
    expect(await statusOf(first.secret)).toBe(200); // cached as the previous secret
    expect(await statusOf(second.secret)).toBe(200);

    const third = await regenerateToken(prisma, meta, first.id, HOUR);

    expect(await statusOf(first.secret)).toBe(401);
    expect(await statusOf(second.secret)).toBe(200);
    expect(await statusOf(third.secret)).toBe(200);
    expect(third.token.previous?.masked).toBe(second.token.masked);
    expect(await prisma.token.findUniqueOrThrow({ where: { id: first.id } })).toMatchObject({
      hash: hashToken(third.secret),
      previousHash: hashToken(second.secret),
    });
  });

  it("stops the old secret at once when regenerating without an overlap", async () => {
    const t = await issue();
    expect(await statusOf(t.secret)).toBe(200); // cached

    const rotated = await regenerateToken(prisma, meta, t.id);

    expect(rotated.token.previous).toBeNull();
    expect(await statusOf(t.secret)).toBe(401);
    expect(await statusOf(rotated.secret)).toBe(200);
    expect(await prisma.token.findUniqueOrThrow({ where: { id: t.id } })).toMatchObject({ previousHash: null, previousValidUntil: null });
    const event = await prisma.auditEvent.findFirstOrThrow({ where: { targetId: t.id, action: "token.regenerated" } });
    expect(event.metadata).toMatchObject({ previousValidUntil: null });
  });

  it("regenerating without an overlap during one stops both older secrets", async () => {
    const first = await issue();
    const second = await regenerateToken(prisma, meta, first.id, HOUR);
    expect(await statusOf(first.secret)).toBe(200);
    expect(await statusOf(second.secret)).toBe(200);

    const third = await regenerateToken(prisma, meta, first.id, 0);

    expect(await statusOf(first.secret)).toBe(401);
    expect(await statusOf(second.secret)).toBe(401);
    expect(await statusOf(third.secret)).toBe(200);
  });

  it("stops the previous secret at once when the token is revoked during the overlap", async () => {
    const t = await issue();
    const rotated = await regenerateToken(prisma, meta, t.id, HOUR);
    expect(await statusOf(t.secret)).toBe(200); // cached as the previous secret
    expect(await statusOf(rotated.secret)).toBe(200);

    const { token: view } = await revokeToken(prisma, meta, t.id);

    expect(view.previous).toBeNull();
    expect(await statusOf(rotated.secret)).toBe(401);
    // Same process: like the current secret, the previous one must not live on in the verification cache.
    expect(await statusOf(t.secret)).toBe(401);
  });

  it("stops the previous secret at once when the token is deactivated during the overlap", async () => {
    const t = await issue();
    const rotated = await regenerateToken(prisma, meta, t.id, HOUR);
    expect(await statusOf(t.secret)).toBe(200); // cached as the previous secret

    await setTokenActive(prisma, meta, t.id, false);

    expect(await statusOf(rotated.secret)).toBe(401);
    expect(await statusOf(t.secret)).toBe(401);
  });

  it("does not let a verification that was in flight during a regeneration bring the old secret back", async () => {
    const t = await issue(); // never verified: not in the cache

    // A client whose token reads hand back their row only when told to: the
    // read itself happens now, before the regeneration commits.
    let readDone!: () => void;
    const read = new Promise<void>((resolve) => (readDone = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slowToken = new Proxy(prisma.token, {
      get(target, prop, receiver) {
        // verifyToken's lookup (one findFirst over the current and previous hash).
        if (prop !== "findFirst") return Reflect.get(target, prop, receiver);
        return async (args: Parameters<typeof target.findFirst>[0]) => {
          const row = await target.findFirst(args);
          readDone();
          await gate;
          return row;
        };
      },
    });
    const slowDb = new Proxy(prisma, { get: (target, prop, receiver) => (prop === "token" ? slowToken : Reflect.get(target, prop, receiver)) });

    const inFlight = verifyToken(slowDb, t.secret);
    await read;
    const rotated = await regenerateToken(prisma, meta, t.id); // no overlap: the old secret stops now
    release();
    expect(await inFlight).not.toBeNull(); // it looked before the change: fine

    // But what it learned must not outlive the change in the cache.
    expect(await statusOf(t.secret)).toBe(401);
    expect(await statusOf(rotated.secret)).toBe(200);
  });

  it("leaves one current and one previous secret after 10 concurrent regenerations with an overlap", async () => {
    const t = await issue();
    expect(await statusOf(t.secret)).toBe(200); // cached

    const results = await Promise.allSettled(Array.from({ length: 10 }, () => regenerateToken(prisma, meta, t.id, HOUR)));
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r) => String(r.reason));
    expect(failures).toEqual([]);
    const returned = results.map((r) => (r as PromiseFulfilledResult<{ secret: string }>).value.secret);
    expect(new Set(returned).size).toBe(10);

    const row = await prisma.token.findUniqueOrThrow({ where: { id: t.id } });
    const all = [t.secret, ...returned];
    const current = all.filter((s) => hashToken(s) === row.hash);
    const previous = all.filter((s) => hashToken(s) === row.previousHash);
    expect(current).toHaveLength(1);
    expect(previous).toHaveLength(1);
    expect(previous[0]).not.toBe(t.secret);

    // Every secret, asked through the API: exactly those two work.
    const statuses = new Map<string, number>();
    for (const secret of all) statuses.set(secret, await statusOf(secret));
    const working = all.filter((s) => statuses.get(s) === 200);
    expect(working.sort()).toEqual([current[0], previous[0]].sort());
    expect(all.filter((s) => statuses.get(s) !== 200 && statuses.get(s) !== 401)).toEqual([]);

    expect((await verifyToken(prisma, current[0]))?.usableUntil).toBeNull();
    expect((await verifyToken(prisma, previous[0]))?.usableUntil).toEqual(row.previousValidUntil);

    // The previous secret is the one the last regeneration started from.
    const events = await prisma.auditEvent.findMany({ where: { targetId: t.id, action: "token.regenerated" } });
    expect(events).toHaveLength(10);
    const last = events.find((e) => (e.metadata as { to: string }).to === maskToken(row.prefix, row.last4));
    expect((last?.metadata as { from: string } | undefined)?.from).toBe(maskToken(row.previousPrefix!, row.previousLast4!));
    expect(displayParts(previous[0])).toEqual({ prefix: row.previousPrefix, last4: row.previousLast4 });
  });

  describe("the admins' e-mail", () => {
    async function regeneratedMail(tokenId: string) {
      const rows = await prisma.outboxEmail.findMany({
        where: { orgId: org.id, to: admin.email, idempotencyKey: { startsWith: `token-regenerated:${tokenId}:` } },
      });
      expect(rows).toHaveLength(1);
      return rows[0];
    }

    it("says until when the old secret keeps working after a regeneration with overlap", async () => {
      const t = await issue();
      const rotated = await regenerateToken(prisma, meta, t.id, 24 * HOUR);
      const validUntil = new Date(rotated.token.previous!.validUntil);

      const mail = await regeneratedMail(t.id);
      expect(mail.subject).toContain("regenerated");
      expect(mail.text).toContain(`keeps working until ${mailTime(validUntil)}`);
      expect(mail.html).toContain(`keeps working until ${mailTime(validUntil)}`);
      expect(mail.text).not.toContain("stopped working at once");
      for (const secret of [t.secret, rotated.secret]) {
        expect(mail.text).not.toContain(secret);
        expect(mail.html).not.toContain(secret);
      }
    });

    it("says the old secret stopped at once after a regeneration without overlap", async () => {
      const t = await issue();
      await regenerateToken(prisma, meta, t.id);

      const mail = await regeneratedMail(t.id);
      expect(mail.text).toContain("stopped working at once");
      expect(mail.text).not.toContain("keeps working until");
    });
  });
});
