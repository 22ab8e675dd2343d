import { z } from "zod";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { hashPassword } from "@/lib/auth/password";
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

/**
 * Creates the account and either joins the org it was invited to, or creates
 * its first org with the new user as admin. Returns where to go next.
 */
export async function signUp(db: PrismaClient, input: SignUpInput, meta: { ip?: string | null; userAgent?: string | null } = {}) {
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
