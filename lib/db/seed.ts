import type { PrismaClient } from "@/lib/generated/prisma/client";
import { hashPassword, verifyPassword } from "@/lib/auth/password";

export const DEMO_ORG = { slug: "acme", name: "Acme Inc." };
export const DEFAULT_ADMIN = { email: "admin@keysmith.local", password: "keysmith-admin" };

export interface SeedResult {
  email: string;
  /** The password, when the account still has the configured one; null once it was changed. */
  password: string | null;
  created: boolean;
}

/**
 * Seeds the demo org and its admin exactly once: a later start (or another
 * instance starting at the same time) finds the org and seeds nothing.
 */
export async function seedDemo(prisma: PrismaClient, env: Record<string, string | undefined> = process.env): Promise<SeedResult> {
  const email = (env.KEYSMITH_ADMIN_EMAIL?.trim() || DEFAULT_ADMIN.email).toLowerCase();
  const password = env.KEYSMITH_ADMIN_PASSWORD || DEFAULT_ADMIN.password;

  const existing = await prisma.organization.findUnique({ where: { slug: DEMO_ORG.slug } });
  if (existing) {
    const admin = await prisma.user.findUnique({ where: { email } });
    const stillValid = admin ? await verifyPassword(password, admin.passwordHash) : false;
    return { email, password: stillValid ? password : null, created: false };
  }

  const passwordHash = await hashPassword(password);
  const created = await prisma.$transaction(async (tx) => {
    // Instances starting together take turns here; whoever comes second finds the org.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('keysmith-seed'))`;
    if (await tx.organization.findUnique({ where: { slug: DEMO_ORG.slug } })) return false;
    const user = await tx.user.upsert({
      where: { email },
      create: { email, name: "Acme Admin", passwordHash },
      update: {},
    });
    await tx.organization.create({
      data: {
        ...DEMO_ORG,
        memberships: { create: { userId: user.id, role: "ADMIN" } },
        projects: { create: [{ name: "Website" }, { name: "Mobile app" }] },
      },
    });
    return true;
  });
  return { email, password, created };
}
