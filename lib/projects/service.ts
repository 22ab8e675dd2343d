/**
 * Projects: an org's way of fencing workspace tokens in (a token may be limited
 * to one). Every change is audited in its own transaction (docs/contract.md §6).
 */
import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { audit, type ChangeMeta } from "@/lib/audit/record";
import { isUniqueViolation } from "@/lib/db/errors";
import { DomainError } from "@/lib/errors";
import { tokensChanged } from "@/lib/tokens/events";
import { revokeTokens } from "@/lib/tokens/revoke";

const NAME_TAKEN = "A project with this name already exists in this organization.";
const NOT_FOUND = "Project not found.";

function nameTaken(error: unknown): never {
  if (isUniqueViolation(error)) throw new DomainError("conflict", NAME_TAKEN, "name");
  throw error;
}

/** Newest first; `only`: a project-limited token sees its own project alone. */
export function listProjects(db: PrismaClient, orgId: string, only?: string | null) {
  return db.project.findMany({ where: { orgId, ...(only ? { id: only } : {}) }, orderBy: { createdAt: "desc" } });
}

/** With the number of live tokens limited to each: what deleting it would revoke. */
export async function listProjectsWithTokens(db: PrismaClient, orgId: string) {
  const [projects, counts] = await Promise.all([
    listProjects(db, orgId),
    db.token.groupBy({ by: ["projectId"], where: { orgId, projectId: { not: null }, status: { not: "REVOKED" } }, _count: { _all: true } }),
  ]);
  const live = new Map(counts.map((c) => [c.projectId, c._count._all]));
  return projects.map((p) => ({ ...p, liveTokens: live.get(p.id) ?? 0 }));
}

export async function getProject(db: PrismaClient, orgId: string, id: string) {
  const project = await db.project.findFirst({ where: { id, orgId } });
  if (!project) throw new DomainError("not_found", NOT_FOUND);
  return project;
}

export async function createProject(db: PrismaClient, meta: ChangeMeta, name: string) {
  return db
    .$transaction(async (tx) => {
      const project = await tx.project.create({ data: { orgId: meta.orgId, name } });
      await audit(tx, { ...meta, action: "project.created", target: { type: "project", id: project.id, label: name } });
      return project;
    })
    .catch(nameTaken);
}

export async function renameProject(db: PrismaClient, meta: ChangeMeta, id: string, name: string) {
  return db
    .$transaction(async (tx) => {
      const existing = await tx.project.findFirst({ where: { id, orgId: meta.orgId } });
      if (!existing) throw new DomainError("not_found", NOT_FOUND);
      const project = await tx.project.update({ where: { id }, data: { name } });
      await audit(tx, {
        ...meta,
        action: "project.renamed",
        target: { type: "project", id, label: name },
        metadata: { from: existing.name, to: name },
      });
      return project;
    })
    .catch(nameTaken);
}

/**
 * Deletes the project and revokes the tokens limited to it (they must not
 * silently widen to every project when the link is cleared). Returns how many.
 */
export async function deleteProject(db: PrismaClient, meta: ChangeMeta, id: string): Promise<{ revoked: number }> {
  const revoked = await db.$transaction(async (tx) => {
    const existing = await tx.project.findFirst({ where: { id, orgId: meta.orgId } });
    if (!existing) throw new DomainError("not_found", NOT_FOUND);
    const live = await tx.token.findMany({ where: { projectId: id, status: { not: "REVOKED" } }, select: { id: true } });
    const revoked = await revokeTokens(tx, meta, live.map((t) => t.id), `project "${existing.name}" deleted`);
    await tx.project.delete({ where: { id } });
    await audit(tx, { ...meta, action: "project.deleted", target: { type: "project", id, label: existing.name }, metadata: { revokedTokens: revoked.length } });
    return revoked;
  });
  tokensChanged(revoked);
  return { revoked: revoked.length };
}
