/**
 * Delivering the outbox: claims due rows with a lease (several instances may
 * run this; each row goes to one at a time, and a crashed sender's lease
 * expires), sends each with its idempotency key, and on failure retries with
 * exponential backoff. A provider outage delays mail; it never touches the
 * changes that queued it.
 *
 * Without RESEND_API_KEY, "sending" files the mail in the local dev mailbox
 * (the row itself, shown at /mailbox).
 */
import "server-only";
import { Resend } from "resend";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { mailBody } from "./outbox";

export const MAX_ATTEMPTS = 12;
const LEASE_MS = 60_000;
const BATCH = 20;
const SEND_TIMEOUT_MS = 15_000;

export function mailProvider(): "resend" | "mailbox" {
  return process.env.RESEND_API_KEY ? "resend" : "mailbox";
}

/** 2 s, 4 s, 8 s … capped at 15 minutes. */
export function backoffMs(attempts: number): number {
  return Math.min(2_000 * 2 ** Math.max(attempts - 1, 0), 15 * 60_000);
}

interface Claimed {
  id: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  sealed: boolean;
  idempotencyKey: string;
  attempts: number;
}

async function claim(db: PrismaClient, now: Date): Promise<Claimed[]> {
  return db.$queryRaw<Claimed[]>`
    UPDATE "OutboxEmail" SET "leaseUntil" = ${new Date(now.getTime() + LEASE_MS)}, attempts = attempts + 1
    WHERE id IN (
      SELECT id FROM "OutboxEmail"
      WHERE status = 'PENDING' AND "nextAttemptAt" <= ${now} AND ("leaseUntil" IS NULL OR "leaseUntil" < ${now})
      ORDER BY "createdAt" LIMIT ${BATCH}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING id, "to", subject, html, text, sealed, "idempotencyKey", attempts`;
}

type Sender = (mail: Claimed) => Promise<{ id: string | null }>;

function resendSender(): Sender {
  const resend = new Resend(process.env.RESEND_API_KEY);
  const from = process.env.EMAIL_FROM ?? "Keysmith <keysmith@localhost>";
  return async (mail) => {
    const { data, error } = await resend.emails.send(
      { from, to: mail.to, subject: mail.subject, html: mail.html, text: mail.text },
      // A provider that accepts the connection and never answers must not hold the sender.
      { idempotencyKey: mail.idempotencyKey, signal: AbortSignal.timeout(SEND_TIMEOUT_MS) },
    );
    if (error) throw new Error(`${error.name}: ${error.message}`);
    return { id: data?.id ?? null };
  };
}

/** Sends what is due now; returns how many were sent and how many failed this round. */
export async function deliverDue(db: PrismaClient, now = new Date()): Promise<{ sent: number; failed: number }> {
  const batch = await claim(db, now);
  if (batch.length === 0) return { sent: 0, failed: 0 };
  const provider = mailProvider();
  const send: Sender = provider === "resend" ? resendSender() : async () => ({ id: null });
  let sent = 0;
  let failed = 0;
  for (const mail of batch) {
    try {
      const { id } = await send(mailBody(mail));
      await db.outboxEmail.update({
        where: { id: mail.id },
        data: { status: "SENT", sentAt: now, provider, providerId: id, leaseUntil: null, lastError: null },
      });
      sent++;
    } catch (error) {
      failed++;
      const gaveUp = mail.attempts >= MAX_ATTEMPTS;
      await db.outboxEmail.update({
        where: { id: mail.id },
        data: {
          status: gaveUp ? "FAILED" : "PENDING",
          leaseUntil: null,
          nextAttemptAt: new Date(now.getTime() + backoffMs(mail.attempts)),
          lastError: (error instanceof Error ? error.message : String(error)).slice(0, 500),
        },
      });
    }
  }
  return { sent, failed };
}
