import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { hashPassword, verifyPassword } from "@/lib/auth/password";

export const DEMO_ORG = { slug: "acme", name: "Acme Inc." };
export const DEFAULT_ADMIN_EMAIL = "admin@keysmith.local";

export interface SeedResult {
  email: string;
  /** The password, when the account still has the seeded one and it is known here; null otherwise. */
  password: string | null;
  /** Whether that password was generated (no KEYSMITH_ADMIN_PASSWORD). */
  generated: boolean;
  created: boolean;
}

/**
 * Where a generated first password is remembered so later starts can print it
 * again until the admin changes it: a 0600 file in the embedded database's data
 * directory. A PostgreSQL install has none (the password is printed once).
 */
export interface PasswordMemo {
  read(): string | null;
  write(password: string): void;
}

export function passwordFile(dataDir: string): PasswordMemo {
  const file = path.join(dataDir, "initial-admin-password");
  return {
    read: () => (fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim() || null : null),
    write: (password) => {
      fs.mkdirSync(dataDir, { recursive: true });
      fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
    },
  };
}

/** 20 base64url characters (120 bits): typed once, then changed in the console. */
function generatePassword(): string {
  return randomBytes(15).toString("base64url");
}

/**
 * Seeds the demo org and its admin exactly once: a later start (or another
 * instance starting at the same time) finds the org and seeds nothing. Without
 * KEYSMITH_ADMIN_PASSWORD the admin gets a random password, never a constant
 * anyone could read in this repository.
 */
export async function seedDemo(
  prisma: PrismaClient,
  env: Record<string, string | undefined> = process.env,
  memo?: PasswordMemo,
): Promise<SeedResult> {
  const email = (env.KEYSMITH_ADMIN_EMAIL?.trim() || DEFAULT_ADMIN_EMAIL).toLowerCase();
  const configured = env.KEYSMITH_ADMIN_PASSWORD || null;
  const remembered = configured ? null : (memo?.read() ?? null);
  const generated = !configured;

  const existing = await prisma.organization.findUnique({ where: { slug: DEMO_ORG.slug } });
  if (existing) {
    const known = configured ?? remembered;
    const admin = known ? await prisma.user.findUnique({ where: { email } }) : null;
    const stillValid = admin && known ? await verifyPassword(known, admin.passwordHash) : false;
    return { email, password: stillValid ? known : null, generated, created: false };
  }

  const password = configured ?? remembered ?? generatePassword();
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
  if (created && generated) memo?.write(password);
  return { email, password: created ? password : null, generated, created };
}
