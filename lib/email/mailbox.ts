/**
 * The local dev mailbox (docs/contract.md §5): with no mail provider, the mail
 * the console would have sent is read here, each person only their own.
 */
import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";

export function mailboxOf(db: PrismaClient, email: string) {
  return db.outboxEmail.findMany({
    where: { to: email },
    orderBy: { createdAt: "desc" },
    take: 100,
    select: { id: true, subject: true, status: true, createdAt: true, sentAt: true },
  });
}

/** One mail, if it is addressed to `email`. */
export function mailFor(db: PrismaClient, email: string, id: string) {
  return db.outboxEmail.findFirst({ where: { id, to: email } });
}
