/**
 * Sessions that end on the server (lib/auth/sessions.ts), and the sign-in and
 * sign-up throttles, on both databases. Without the Session row a cookie
 * lived its full 7 days whatever happened; one address could lock a user out
 * for everyone; sign-ups were unlimited.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { changePassword, signUp } from "@/lib/accounts/service";
import { DomainError } from "@/lib/errors";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { endAllSessions, endSession, sessionUser, startSession } from "@/lib/auth/sessions";
import { FREE_ATTEMPTS, FREE_SIGNUPS, recordFailure, retryAfterSeconds, throttleKeys } from "@/lib/auth/throttle";
import { removeMember } from "@/lib/members/service";

import { testDatabases } from "../support/databases";
import { addMember, createOrgWithAdmin, createUser, uniq } from "../support/fixtures";
import { openTestDb, type TestDb } from "../support/test-db";

describe.each(testDatabases)("sessions and sign-in limits on $name", ({ name }) => {
  let db: TestDb;

  beforeAll(async () => {
    db = await openTestDb(name);
  });
  afterAll(async () => {
    await db?.close();
  });

  it("signs nobody in once a session is ended (sign-out), and only that session", async () => {
    const user = await createUser(db.prisma);
    const a = await startSession(db.prisma, user.id, { ip: "203.0.113.1", userAgent: "vitest" });
    const b = await startSession(db.prisma, user.id);
    expect(await sessionUser(db.prisma, a, user.id)).toMatchObject({ id: user.id, email: user.email });

    await endSession(db.prisma, a);
    expect(await sessionUser(db.prisma, a, user.id)).toBeNull();
    expect(await sessionUser(db.prisma, b, user.id)).toMatchObject({ id: user.id });
  });

  it("never lets a session sign in another user, an expired one, or an unknown id", async () => {
    const user = await createUser(db.prisma);
    const other = await createUser(db.prisma);
    const sid = await startSession(db.prisma, user.id);
    expect(await sessionUser(db.prisma, sid, other.id)).toBeNull();
    expect(await sessionUser(db.prisma, "no-such-session", user.id)).toBeNull();
    await db.prisma.session.update({ where: { id: sid }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    expect(await sessionUser(db.prisma, sid, user.id)).toBeNull();
  });

  it("'sign out everywhere' ends every session of that user and nobody else's", async () => {
    const user = await createUser(db.prisma);
    const other = await createUser(db.prisma);
    const mine = [await startSession(db.prisma, user.id), await startSession(db.prisma, user.id)];
    const theirs = await startSession(db.prisma, other.id);

    expect(await endAllSessions(db.prisma, user.id)).toBe(2);
    for (const sid of mine) expect(await sessionUser(db.prisma, sid, user.id)).toBeNull();
    expect(await sessionUser(db.prisma, theirs, other.id)).not.toBeNull();
  });

  it("a password change ends the other sessions and keeps the one that made it", async () => {
    const user = await db.prisma.user.create({
      data: { email: `pw-${uniq()}@example.test`, name: "pw", passwordHash: await hashPassword("old-password-1") },
    });
    const here = await startSession(db.prisma, user.id);
    const elsewhere = await startSession(db.prisma, user.id);

    await expect(changePassword(db.prisma, user.id, "not-it", "new-password-1", here)).rejects.toBeInstanceOf(DomainError);
    expect(await sessionUser(db.prisma, elsewhere, user.id)).not.toBeNull();

    expect(await changePassword(db.prisma, user.id, "old-password-1", "new-password-1", here)).toBe(1);
    expect(await sessionUser(db.prisma, here, user.id)).not.toBeNull();
    expect(await sessionUser(db.prisma, elsewhere, user.id)).toBeNull();
    const stored = await db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(await verifyPassword("new-password-1", stored.passwordHash)).toBe(true);
  });

  it("removing a member from an org ends their sessions", async () => {
    const { org, ctx } = await createOrgWithAdmin(db.prisma);
    const { user, membership } = await addMember(db.prisma, org.id, "DEVELOPER");
    const sid = await startSession(db.prisma, user.id);
    await removeMember(db.prisma, ctx, membership.id);
    expect(await sessionUser(db.prisma, sid, user.id)).toBeNull();
  });

  it("failures from one address lock that address out, never the real user at another", async () => {
    const email = `victim-${uniq()}@example.test`;
    const attacker = `198.51.100.${Math.floor(Math.random() * 250)}`;
    const now = new Date();
    for (let i = 0; i < FREE_ATTEMPTS + 5; i++) await recordFailure(db.prisma, throttleKeys(email, attacker), now);

    expect(await retryAfterSeconds(db.prisma, throttleKeys(email, attacker), now)).toBeGreaterThan(0);
    expect(await retryAfterSeconds(db.prisma, throttleKeys(email, "203.0.113.77"), now)).toBe(0);
  });

  it("limits sign-ups per address", async () => {
    const ip = `192.0.2.${Math.floor(Math.random() * 250)}`;
    const input = () => ({ name: "Bulk", email: `bulk-${uniq()}@example.test`, password: "a-long-password-1" });
    for (let i = 0; i < FREE_SIGNUPS; i++) await signUp(db.prisma, input(), { ip });
    const before = await db.prisma.user.count();
    await expect(signUp(db.prisma, input(), { ip })).rejects.toBeInstanceOf(DomainError);
    expect(await db.prisma.user.count()).toBe(before);
    // Another address is not held up.
    await expect(signUp(db.prisma, input(), { ip: "192.0.2.251" })).resolves.toMatchObject({ orgSlug: expect.any(String) });
  }, 60_000);
});
