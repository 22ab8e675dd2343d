/**
 * Server-side sessions behind the session cookie. The cookie (a JWT signed with
 * the app secret) names a Session row; the row decides whether it still signs
 * anyone in. So sign-out ends that session for good (a copied cookie stops
 * working), and "sign out everywhere", a password change or removal from an
 * org ends all of a user's sessions at once, on every instance: the row is read
 * with the user on every request (one query, which the console made anyway).
 */
import "server-only";
import { randomBytes } from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";

/** Matches the cookie's lifetime (lib/auth/options.ts): idle for this long, a session ends. */
export const SESSION_MAX_AGE_S = 7 * 24 * 60 * 60;
/** How often a used session's expiry is pushed forward (one write per session per hour at most). */
const TOUCH_EVERY_MS = 60 * 60_000;

export async function startSession(db: PrismaClient, userId: string, meta: { ip?: string | null; userAgent?: string | null } = {}): Promise<string> {
  const id = randomBytes(24).toString("base64url");
  await db.session.create({
    data: { id, userId, expiresAt: new Date(Date.now() + SESSION_MAX_AGE_S * 1000), ip: meta.ip ?? null, userAgent: meta.userAgent ?? null },
  });
  return id;
}

/** The user a live session belongs to, or null (revoked, expired, unknown, or another user's). */
export async function sessionUser(db: PrismaClient, sid: string, userId: string, now = new Date()) {
  const session = await db.session.findUnique({
    where: { id: sid },
    select: { userId: true, revokedAt: true, expiresAt: true, lastSeenAt: true, user: { select: { id: true, email: true, name: true } } },
  });
  if (!session || session.userId !== userId || session.revokedAt || session.expiresAt <= now) return null;
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db.session.updateMany({
      where: { id: sid, revokedAt: null },
      data: { lastSeenAt: now, expiresAt: new Date(now.getTime() + SESSION_MAX_AGE_S * 1000) },
    });
  }
  return session.user;
}

export async function endSession(db: PrismaClient, sid: string): Promise<void> {
  await db.session.updateMany({ where: { id: sid, revokedAt: null }, data: { revokedAt: new Date() } });
}

/** Ends every session of the user, except `keep` (the one making a password change). Returns how many ended. */
export async function endAllSessions(db: Pick<PrismaClient, "session">, userId: string, keep?: string): Promise<number> {
  const { count } = await db.session.updateMany({
    where: { userId, revokedAt: null, ...(keep ? { id: { not: keep } } : {}) },
    data: { revokedAt: new Date() },
  });
  return count;
}

/** Rows of sessions that ended over a day ago are of no use to anyone. */
export async function pruneSessions(db: PrismaClient, now = new Date()): Promise<void> {
  const dayAgo = new Date(now.getTime() - 86_400_000);
  await db.session.deleteMany({ where: { OR: [{ expiresAt: { lt: dayAgo } }, { revokedAt: { lt: dayAgo } }] } });
}
