/**
 * Accounts: signing up (with a first org, or into the org an invitation names)
 * and changing one's password (docs/contract.md §1).
 */
import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { endAllSessions } from "@/lib/auth/sessions";
import { recordFailure, retryAfterSeconds, signUpKeys } from "@/lib/auth/throttle";
import { isUniqueViolation } from "@/lib/db/errors";
import { DomainError } from "@/lib/errors";
import { acceptInvitation } from "@/lib/members/invitations";
import { createOrganization } from "@/lib/orgs/service";
import type { SignUpInput } from "@/lib/schemas/account";
import { plural } from "@/lib/text";
import { orgChanged } from "@/lib/tokens/events";

const seconds = (n: number) => plural(n, "second");

/**
 * Creates the account and either joins the org it was invited to, or creates
 * its first org with the new user as admin. Returns where to go next.
 */
export async function signUp(db: PrismaClient, input: SignUpInput, meta: { ip?: string | null; userAgent?: string | null } = {}) {
  // Every attempt from an address counts, so accounts (and orgs) cannot be made in bulk.
  const keys = signUpKeys(meta.ip ?? null);
  const wait = await retryAfterSeconds(db, keys);
  if (wait > 0) {
    throw new DomainError("rate_limited", `Too many sign-ups from your address. Try again in ${seconds(wait)}.`, undefined, { "retry-after": String(wait) });
  }
  await recordFailure(db, keys);
  const passwordHash = await hashPassword(input.password);
  const user = await db.user.create({ data: { email: input.email, name: input.name, passwordHash } }).catch((error: unknown) => {
    if (isUniqueViolation(error)) throw new DomainError("conflict", "An account with this e-mail already exists. Sign in instead.", "email");
    throw error;
  });
  try {
    if (input.invite) {
      const slug = await acceptInvitation(db, input.invite, user, meta);
      return { userId: user.id, orgSlug: slug };
    }
    const orgName = input.orgName || `${input.name}'s organization`;
    const org = await db.$transaction((tx) => createOrganization(tx, user.id, orgName));
    return { userId: user.id, orgSlug: org.slug };
  } catch (error) {
    // No half-made accounts: without its org or membership the account is removed again.
    await db.user.delete({ where: { id: user.id } });
    throw error;
  }
}

/**
 * A new password for the signed-in user. Every other session of theirs ends
 * (a stolen cookie dies with the old password); `keepSession` stays signed in.
 * Returns how many sessions ended.
 */
export async function changePassword(db: PrismaClient, userId: string, current: string, next: string, keepSession: string | null) {
  const user = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { passwordHash: true } });
  if (!(await verifyPassword(current, user.passwordHash))) throw new DomainError("invalid", "That is not your current password.", "current");
  const passwordHash = await hashPassword(next);
  return db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: userId }, data: { passwordHash } });
    return endAllSessions(tx, userId, keepSession ?? undefined);
  });
}

/**
 * Renames the person. Their name shows wherever their tokens are described
 * (/me, the console): every instance drops those tokens' cached answers within a
 * second through the change feed; this one at once.
 */
export async function updateProfile(db: PrismaClient, userId: string, name: string) {
  const user = await db.user.update({ where: { id: userId }, data: { name }, select: { memberships: { select: { orgId: true } } } });
  for (const m of user.memberships) orgChanged(m.orgId);
}
