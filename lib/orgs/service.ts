/**
 * Organizations (docs/contract.md §1): creating one makes its creator the first
 * admin; the slug is derived from the name once and never changes with it.
 */
import "server-only";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { audit, userActor, type ChangeMeta } from "@/lib/audit/record";
import { DomainError } from "@/lib/errors";
import { slugify } from "@/lib/schemas/orgs";
import { tokensChanged } from "@/lib/tokens/events";

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

/** A new org for a signed-in user, audited as its first entry. */
export async function createOrgFor(
  db: PrismaClient,
  user: { id: string; email: string },
  name: string,
  request: { ip?: string | null; userAgent?: string | null } = {},
) {
  return db.$transaction(async (tx) => {
    const org = await createOrganization(tx, user.id, name);
    await audit(tx, { orgId: org.id, actor: userActor(user), action: "org.created", target: { type: "org", id: org.id, label: name }, ...request });
    return org;
  });
}

export async function renameOrg(db: PrismaClient, meta: ChangeMeta, from: string, name: string) {
  await db.$transaction(async (tx) => {
    await tx.organization.update({ where: { id: meta.orgId }, data: { name } });
    await audit(tx, { ...meta, action: "org.renamed", target: { type: "org", id: meta.orgId, label: name }, metadata: { from, to: name } });
  });
}


/**
 * Deletes the organization and everything in it: its tokens stop working at
 * once (here, and within a second on every instance: the change feed reports
 * each deleted token), its projects, gateways, members and audit log go with it.
 * Only its last admin may do it, with its slug typed: with other admins left, the
 * decision is not one person's (they can leave or be demoted first).
 */
export async function deleteOrg(db: PrismaClient, meta: ChangeMeta, userId: string, typedSlug: string) {
  const tokens = await db.$transaction(async (tx) => {
    const org = await tx.organization.findUniqueOrThrow({ where: { id: meta.orgId }, select: { slug: true, name: true } });
    if (typedSlug !== org.slug) throw new DomainError("invalid", `Type ${org.slug} to confirm.`, "confirm");
    const admins = await tx.$queryRaw<Array<{ userId: string }>>`
      SELECT "userId" FROM "Membership" WHERE "orgId" = ${meta.orgId} AND role = 'ADMIN' FOR UPDATE`;
    if (!admins.some((a) => a.userId === userId)) throw new DomainError("forbidden", "Only an admin can delete the organization.");
    if (admins.length > 1) {
      throw new DomainError("conflict", `Only the organization's last admin can delete it; ${admins.length - 1} other ${admins.length === 2 ? "admin remains" : "admins remain"}.`);
    }
    const rows = await tx.token.findMany({ where: { orgId: meta.orgId }, select: { id: true, hash: true, previousHash: true } });
    await tx.organization.delete({ where: { id: meta.orgId } });
    return rows;
  });
  tokensChanged(tokens);
  // Its audit log went with it: this line is what remains of the decision.
  console.info(`organization ${meta.orgId} deleted by ${meta.actor.label} (${tokens.length} tokens)`);
}
