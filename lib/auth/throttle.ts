import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";

/**
 * Slows down password guessing across every console instance (state lives in
 * the database). Each key has a number of free failures in a 15-minute window;
 * each failure after that locks the key for twice as long as the last, up to
 * 15 minutes. The keys are chosen so that one address can never lock a user
 * out for everyone:
 *
 * - e-mail + address: 5 free failures (a guesser at one account from one place);
 * - address: 20 (a guesser trying many accounts from one place);
 * - e-mail: 100 (a guesser at one account from many places; one address is
 *   locked long before it could reach this on its own).
 *
 * A success clears that e-mail's keys. Sign-ups are counted per address the same way.
 */
export interface ThrottleKey {
  key: string;
  free: number;
}

export const FREE_ATTEMPTS = 5;
export const FREE_PER_ADDRESS = 20;
export const FREE_PER_ACCOUNT = 100;
export const FREE_SIGNUPS = 10;
const WINDOW_MS = 15 * 60_000;
const BASE_LOCK_MS = 2_000;
const MAX_LOCK_MS = 15 * 60_000;

export function lockDuration(failures: number, free = FREE_ATTEMPTS): number {
  if (failures < free) return 0;
  return Math.min(BASE_LOCK_MS * 2 ** Math.min(failures - free, 30), MAX_LOCK_MS);
}

export function throttleKeys(email: string, ip: string | null): ThrottleKey[] {
  return [
    { key: `login:${email}|${ip ?? "unknown"}`, free: FREE_ATTEMPTS },
    ...(ip ? [{ key: `ip:${ip}`, free: FREE_PER_ADDRESS }] : []),
    { key: `email:${email}`, free: FREE_PER_ACCOUNT },
  ];
}

/** Sign-ups per address: each attempt counts (made accounts as well as refused ones). */
export function signUpKeys(ip: string | null): ThrottleKey[] {
  return [{ key: `signup:${ip ?? "unknown"}`, free: FREE_SIGNUPS }];
}

/** Seconds until every key may try again, or 0. */
export async function retryAfterSeconds(db: PrismaClient, keys: ThrottleKey[], now = new Date()): Promise<number> {
  const rows = await db.signInThrottle.findMany({ where: { key: { in: keys.map((k) => k.key) } } });
  const until = Math.max(0, ...rows.map((r) => r.lockedUntil?.getTime() ?? 0));
  return until > now.getTime() ? Math.ceil((until - now.getTime()) / 1000) : 0;
}

export async function recordFailure(db: PrismaClient, keys: ThrottleKey[], now = new Date()): Promise<void> {
  const windowStart = new Date(now.getTime() - WINDOW_MS);
  for (const { key, free } of keys) {
    // One atomic statement: concurrent failures on any number of instances all
    // count, including the very first ones for a key that has no row yet.
    const [row] = await db.$queryRaw<Array<{ failures: number }>>`
      INSERT INTO "SignInThrottle" (key, failures, "windowStart") VALUES (${key}, 1, ${now})
      ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN "SignInThrottle"."windowStart" < ${windowStart} THEN 1 ELSE "SignInThrottle".failures + 1 END,
        "windowStart" = CASE WHEN "SignInThrottle"."windowStart" < ${windowStart} THEN ${now} ELSE "SignInThrottle"."windowStart" END
      RETURNING failures`;
    const lock = lockDuration(row.failures, free);
    if (lock > 0) {
      await db.signInThrottle.update({ where: { key }, data: { lockedUntil: new Date(now.getTime() + lock) } });
    }
  }
}

/** After a successful sign-in: that e-mail's counters start over (the address's does not). */
export async function clearFailures(db: PrismaClient, keys: ThrottleKey[]): Promise<void> {
  await db.signInThrottle.deleteMany({ where: { key: { in: keys.filter((k) => !k.key.startsWith("ip:")).map((k) => k.key) } } });
}
