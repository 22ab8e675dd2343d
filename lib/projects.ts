import type { PrismaClient } from "@/lib/generated/prisma/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { audit, type Actor } from "@/lib/audit";
import { safeText } from "@/lib/schemas/text";
import { tokensChanged } from "@/lib/tokens/events";
import { revokeTokens } from "@/lib/tokens/revoke";

export const projectNameSchema = safeText("Project name", { max: 64, tooShort: "Enter a project name." });

export class ProjectNameTaken extends Error {
  constructor() {
    super("A project with this name already exists in this organization.");
  }
}

export interface ChangeContext {
  orgId: string;
  actor: Actor;
  ip?: string | null;
  userAgent?: string | null;
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

export function listProjects(db: PrismaClient, orgId: string) {
  return db.project.findMany({ where: { orgId }, orderBy: { createdAt: "desc" } });
}

export async function createProject(db: PrismaClient, ctx: ChangeContext, name: string) {
  try {
    return await db.$transaction(async (tx) => {
      const project = await tx.project.create({ data: { orgId: ctx.orgId, name } });
      await audit(tx, { ...ctx, action: "project.created", target: { type: "project", id: project.id, label: name } });
      return project;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ProjectNameTaken();
    throw error;
  }
}

/** Returns null when no project with this id exists in the org. */
export async function renameProject(db: PrismaClient, ctx: ChangeContext, id: string, name: string) {
  try {
    return await db.$transaction(async (tx) => {
      const existing = await tx.project.findFirst({ where: { id, orgId: ctx.orgId } });
      if (!existing) return null;
      const project = await tx.project.update({ where: { id }, data: { name } });
      await audit(tx, {
        ...ctx,
        action: "project.renamed",
        target: { type: "project", id, label: name },
        metadata: { from: existing.name, to: name },
      });
      return project;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ProjectNameTaken();
    throw error;
  }
}

/** Returns false when no project with this id exists in the org. */
export async function deleteProject(db: PrismaClient, ctx: ChangeContext, id: string): Promise<boolean> {
  const revokedHashes = await db.$transaction(async (tx) => {
    const existing = await tx.project.findFirst({ where: { id, orgId: ctx.orgId } });
    if (!existing) return null;
    // A token limited to this project must not silently widen to every project
    // when the link is cleared: revoke such tokens with the project.
    const live = await tx.token.findMany({ where: { projectId: id, status: { not: "REVOKED" } }, select: { id: true } });
    const revoked = await revokeTokens(tx, ctx, live.map((t) => t.id), `project "${existing.name}" deleted`);
    await tx.project.delete({ where: { id } });
    await audit(tx, { ...ctx, action: "project.deleted", target: { type: "project", id, label: existing.name }, metadata: { revokedTokens: revoked.length } });
    return revoked;
  });
  if (revokedHashes === null) return false;
  tokensChanged(revokedHashes);
  return true;
}
