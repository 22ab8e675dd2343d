/**
 * Expiry reminders: 7 days and 1 day before an active token expires, an e-mail
 * to its creator and the org's admins (docs/contract.md §5), through the outbox.
 *
 * Exactly once per token, threshold and expiry date, whatever the number of
 * instances and restarts: the scheduler (./scheduler.ts) gives the job to one
 * instance at a time, and each reminder is claimed by inserting its
 * "TokenExpiryReminder" row in the transaction that queues its mail, so even two
 * runs at once (a lease that ran out) write it once: the second insert waits for
 * the first transaction and then finds the row.
 *
 * A token made (or regenerated) with a week or less to live gets no 7-day
 * reminder (whoever made it chose that); the last-day one always goes. After a
 * pause (every instance down), only the nearest threshold is sent, not a stale one.
 */
import "server-only";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import type { TokenKind } from "@/lib/generated/prisma/enums";
import { queueTokenExpiringEmails, type TokenMail } from "@/lib/email/outbox";
import { kickOutbox } from "@/lib/email/worker";
import { maskToken } from "@/lib/tokens/format";
import { emitTokenExpiring } from "@/lib/webhooks/events";
import { kickWebhooks } from "@/lib/webhooks/worker";
import { jobPeriodMs, type Job } from "./scheduler";

/** Days before expiry, largest first. */
export const REMINDER_DAYS = [7, 1] as const;
const DAY_MS = 86_400_000;
const BATCH = 200;

type Tx = Prisma.TransactionClient;

/** What a reminder says about a token (never a secret). */
export interface ExpiringToken extends TokenMail {
  orgId: string;
  prefix: string;
  last4: string;
  project: { id: string; name: string } | null;
  expiresAt: Date;
  lastUsedAt: Date | null;
  org: { id: string; slug: string; name: string };
  /** The member who made it, while still a member of the org. */
  creatorEmail: string | null;
}

/** The threshold a reminder with `daysLeft` whole days left belongs to. */
export function reminderThreshold(daysLeft: number): number {
  return Math.min(...REMINDER_DAYS.filter((d) => daysLeft <= d));
}

function utc(date: Date): string {
  return date.toISOString().replace("T", " ").replace(/:\d{2}\.\d+Z$/, " UTC");
}

/**
 * A token is about to expire: the one place that acts on it, inside the
 * transaction that claimed the reminder, so the e-mails and the `token.expiring`
 * webhook go out once, together or not at all.
 */
export async function onTokenExpiring(tx: Tx, token: ExpiringToken, daysLeft: number): Promise<void> {
  await emitTokenExpiring(tx, token, daysLeft);
  await queueTokenExpiringEmails(tx, {
    org: token.org,
    token: { ...token, lastUsed: token.lastUsedAt ? utc(token.lastUsedAt) : "Never" },
    creatorEmail: token.creatorEmail,
    daysBefore: reminderThreshold(daysLeft),
    daysLeft,
  });
}

const TOKEN_FOR_MAIL = {
  id: true,
  kind: true,
  name: true,
  prefix: true,
  last4: true,
  role: true,
  permissions: true,
  expiresAt: true,
  lastUsedAt: true,
  orgId: true,
  project: { select: { id: true, name: true } },
  gateway: { select: { name: true, slug: true } },
  org: { select: { id: true, slug: true, name: true } },
  createdBy: { select: { email: true, memberships: { select: { orgId: true } } } },
} satisfies Prisma.TokenSelect;

/** Sends the reminders due at `now` (at most BATCH; the next run takes the rest). Returns how many tokens got one. */
export async function sendExpiryReminders(db: PrismaClient, now = new Date()): Promise<number> {
  const at = now.toISOString().replace("Z", "");
  const smallest = Math.min(...REMINDER_DAYS);
  const due = await db.$queryRaw<Array<{ id: string; daysBefore: number }>>`
    WITH soon AS (
      SELECT t.id, t."expiresAt", COALESCE(t."regeneratedAt", t."createdAt") AS since,
             (SELECT min(d) FROM unnest(${[...REMINDER_DAYS]}::int[]) AS d
               WHERE t."expiresAt" <= ${at}::timestamp(3) + d * interval '1 day') AS "daysBefore"
        FROM "Token" t
       WHERE t.status = 'ACTIVE' AND t."expiresAt" > ${at}::timestamp(3)
         AND t."expiresAt" <= ${at}::timestamp(3) + ${Math.max(...REMINDER_DAYS)} * interval '1 day'
    )
    SELECT w.id, w."daysBefore" FROM soon w
     WHERE (w."daysBefore" = ${smallest} OR w."expiresAt" - w.since > w."daysBefore" * interval '1 day')
       AND NOT EXISTS (SELECT 1 FROM "TokenExpiryReminder" r
                        WHERE r."tokenId" = w.id AND r."daysBefore" = w."daysBefore" AND r."expiresAt" = w."expiresAt")
     ORDER BY w."expiresAt"
     LIMIT ${BATCH}`;
  let sent = 0;
  for (const { id, daysBefore } of due) {
    const reminded = await db.$transaction(async (tx) => {
      // The claim: a second run (or instance) inserting the same row gets nothing back.
      const claimed = await tx.$queryRaw<Array<{ tokenId: string }>>`
        INSERT INTO "TokenExpiryReminder" ("tokenId", "daysBefore", "expiresAt")
        SELECT id, ${daysBefore}, "expiresAt" FROM "Token"
         WHERE id = ${id} AND status = 'ACTIVE' AND "expiresAt" > ${at}::timestamp(3)
        ON CONFLICT DO NOTHING
        RETURNING "tokenId"`;
      if (claimed.length === 0) return false;
      const t = await tx.token.findUniqueOrThrow({ where: { id }, select: TOKEN_FOR_MAIL });
      const token: ExpiringToken = {
        id: t.id,
        orgId: t.orgId,
        kind: t.kind as TokenKind,
        name: t.name,
        prefix: t.prefix,
        last4: t.last4,
        masked: maskToken(t.prefix, t.last4),
        role: t.role,
        permissions: t.permissions,
        project: t.project,
        gateway: t.gateway,
        expiresAt: t.expiresAt!,
        lastUsedAt: t.lastUsedAt,
        org: t.org,
        creatorEmail: t.createdBy?.memberships.some((m) => m.orgId === t.orgId) ? t.createdBy.email : null,
      };
      // Whole days left as of writing (the run may have started a while ago), never more than the threshold.
      const left = Math.ceil((token.expiresAt.getTime() - Math.max(now.getTime(), Date.now())) / DAY_MS);
      await onTokenExpiring(tx, token, Math.min(daysBefore, Math.max(1, left)));
      return true;
    });
    if (reminded) sent++;
  }
  if (sent > 0) {
    kickOutbox();
    kickWebhooks();
  }
  return sent;
}

export const expiryRemindersJob: Job = {
  name: "token-expiry-reminders",
  everyMs: jobPeriodMs(),
  run: (db, { now }) => sendExpiryReminders(db, now),
};
