import { z } from "zod";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { endAllSessions } from "@/lib/auth/sessions";
import { recordFailure, retryAfterSeconds, signUpKeys } from "@/lib/auth/throttle";
import { createOrganization, orgNameSchema } from "@/lib/orgs";
import { acceptInvitation, emailSchema } from "@/lib/members";
import { safeText } from "@/lib/schemas/text";

export const signUpSchema = z.object({
  name: safeText("Name", { max: 80, tooShort: "Enter your name." }),
  email: emailSchema,
  password: z.string().min(10, "Use at least 10 characters.").max(200, "Use at most 200 characters."),
  orgName: z.union([z.literal(""), orgNameSchema]).optional(),
  invite: z.string().max(200).optional(),
});
export type SignUpInput = z.infer<typeof signUpSchema>;

export class EmailTaken extends Error {
  constructor() {
    super("An account with this e-mail already exists. Sign in instead.");
  }
}

export class TooManySignUps extends Error {
  constructor(seconds: number) {
    super(`Too many sign-ups from your address. Try again in ${seconds === 1 ? "1 second" : `${seconds} seconds`}.`);
  }
}

/**
 * Creates the account and either joins the org it was invited to, or creates
 * its first org with the new user as admin. Returns where to go next.
 */
export async function signUp(db: PrismaClient, input: SignUpInput, meta: { ip?: string | null; userAgent?: string | null } = {}) {
  // Every attempt from an address counts, so accounts (and orgs) cannot be made in bulk.
  const keys = signUpKeys(meta.ip ?? null);
  const wait = await retryAfterSeconds(db, keys);
  if (wait > 0) throw new TooManySignUps(wait);
  await recordFailure(db, keys);
  const passwordHash = await hashPassword(input.password);
  let user;
  try {
    user = await db.user.create({ data: { email: input.email, name: input.name, passwordHash } });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") throw new EmailTaken();
    throw error;
  }
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

export const passwordSchema = z.string().min(10, "Use at least 10 characters.").max(200, "Use at most 200 characters.");

export class WrongPassword extends Error {
  constructor() {
    super("That is not your current password.");
  }
}

/**
 * A new password for the signed-in user. Every other session of theirs ends
 * (a stolen cookie dies with the old password); `keepSession` stays signed in.
 */
export async function changePassword(db: PrismaClient, userId: string, current: string, next: string, keepSession: string | null) {
  const user = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { passwordHash: true } });
  if (!(await verifyPassword(current, user.passwordHash))) throw new WrongPassword();
  const passwordHash = await hashPassword(next);
  return db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: userId }, data: { passwordHash } });
    return endAllSessions(tx, userId, keepSession ?? undefined);
  });
}
