import { z } from "zod";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { safeText } from "@/lib/schemas/text";

export const SLUG_PATTERN = /^[a-z0-9-]{2,40}$/;

export const orgNameSchema = safeText("Organization name", { min: 2, max: 80, tooShort: "Use at least 2 characters." });
export const orgSlugSchema = z
  .string()
  .trim()
  .regex(SLUG_PATTERN, "Use 2–40 lowercase letters, digits and hyphens.");

/** "Acme Labs, Inc." → "acme-labs-inc" (falls back to "org" when nothing usable is left). */
export function slugify(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 32)
    .replace(/-+$/g, "");
  return slug.length >= 2 ? slug : "org";
}

type Db = PrismaClient | Prisma.TransactionClient;
type Tx = Prisma.TransactionClient;

/** The slug itself if free, else slug-2, slug-3, … */
export async function availableSlug(db: Db, base: string): Promise<string> {
  const taken = new Set(
    (await db.organization.findMany({ where: { slug: { startsWith: base } }, select: { slug: true } })).map((o) => o.slug),
  );
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) {
    const candidate = `${base}-${i}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/**
 * Creates an org with `userId` as its first admin. Runs inside the caller's
 * transaction, serialized per slug base so orgs created at once with the same
 * name each get a free slug instead of a clash.
 */
export async function createOrganization(tx: Tx, userId: string, name: string, slug?: string) {
  const base = slug ?? slugify(name);
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`org-slug:${base}`}))`;
  const finalSlug = slug ?? (await availableSlug(tx, base));
  return tx.organization.create({
    data: { name, slug: finalSlug, memberships: { create: { userId, role: "ADMIN" } } },
  });
}
