import type { PrismaClient } from "@/lib/generated/prisma/client";

/**
 * Slows down password guessing, per e-mail and per client address, across every
 * console instance (state lives in the database). The first FREE_ATTEMPTS failures
 * in a window cost nothing; each one after that locks the key for twice as long as
 * the last, up to MAX_LOCK. A success clears the e-mail's counter.
 */
export const FREE_ATTEMPTS = 5;
const WINDOW_MS = 15 * 60_000;
const BASE_LOCK_MS = 2_000;
const MAX_LOCK_MS = 15 * 60_000;

export function lockDuration(failures: number): number {
  if (failures < FREE_ATTEMPTS) return 0;
  return Math.min(BASE_LOCK_MS * 2 ** (failures - FREE_ATTEMPTS), MAX_LOCK_MS);
}

export function throttleKeys(email: string, ip: string | null): string[] {
  return [`email:${email}`, ...(ip ? [`ip:${ip}`] : [])];
}

/** Seconds until any of the keys may try again, or 0. */
export async function retryAfterSeconds(db: PrismaClient, keys: string[], now = new Date()): Promise<number> {
  const rows = await db.signInThrottle.findMany({ where: { key: { in: keys } } });
  const until = Math.max(0, ...rows.map((r) => r.lockedUntil?.getTime() ?? 0));
  return until > now.getTime() ? Math.ceil((until - now.getTime()) / 1000) : 0;
}

export async function recordFailure(db: PrismaClient, keys: string[], now = new Date()): Promise<void> {
  const windowStart = new Date(now.getTime() - WINDOW_MS);
  for (const key of keys) {
    // One atomic statement: concurrent failures on any number of instances all
    // count, including the very first ones for a key that has no row yet.
    const [row] = await db.$queryRaw<Array<{ failures: number }>>`
      INSERT INTO "SignInThrottle" (key, failures, "windowStart") VALUES (${key}, 1, ${now})
      ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN "SignInThrottle"."windowStart" < ${windowStart} THEN 1 ELSE "SignInThrottle".failures + 1 END,
        "windowStart" = CASE WHEN "SignInThrottle"."windowStart" < ${windowStart} THEN ${now} ELSE "SignInThrottle"."windowStart" END
      RETURNING failures`;
    const lock = lockDuration(row.failures);
    if (lock > 0) {
      await db.signInThrottle.update({ where: { key }, data: { lockedUntil: new Date(now.getTime() + lock) } });
    }
  }
}

export async function clearFailures(db: PrismaClient, key: string): Promise<void> {
  await db.signInThrottle.deleteMany({ where: { key } });
}
