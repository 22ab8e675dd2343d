/**
 * The local dev mailbox (docs/contract.md §5): with no mail provider, the mail
 * the console would have sent is read here, each person only their own.
 */
import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { mailBody } from "./outbox";

export function mailboxOf(db: PrismaClient, email: string) {
  return db.outboxEmail.findMany({
    where: { to: email },
    orderBy: { createdAt: "desc" },
    take: 100,
    select: { id: true, subject: true, status: true, createdAt: true, sentAt: true },
  });
}

/** One mail, if it is addressed to `email`, its body opened if it is stored sealed. */
export async function mailFor(db: PrismaClient, email: string, id: string) {
  const mail = await db.outboxEmail.findFirst({ where: { id, to: email } });
  return mail && mailBody(mail);
}
