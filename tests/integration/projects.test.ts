import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createProject, deleteProject, renameProject } from "@/lib/projects/service";

import { testDatabases } from "../support/databases";
import { createOrgWithAdmin, createTokenRow } from "../support/fixtures";
import { openTestDb, type TestDb } from "../support/test-db";

describe.each(testDatabases)("projects on $name", ({ name }) => {
  let db: TestDb;

  beforeAll(async () => {
    db = await openTestDb(name);
  });

  afterAll(async () => {
    await db?.close();
  });

  const setup = () => createOrgWithAdmin(db.prisma);

  function auditOf(orgId: string) {
    return db.prisma.auditEvent.findMany({ where: { orgId }, orderBy: { createdAt: "asc" } });
  }

  it("creates a project and records who did it, from where", async () => {
    const { org, admin, ctx } = await setup();
    const project = await createProject(db.prisma, ctx, "Website");

    expect(project).toMatchObject({ orgId: org.id, name: "Website" });
    const [event] = await auditOf(org.id);
    expect(event).toMatchObject({
      action: "project.created",
      actorType: "user",
      actorId: admin.id,
      actorLabel: admin.email,
      targetType: "project",
      targetId: project.id,
      targetLabel: "Website",
      ip: "203.0.113.7",
      userAgent: "vitest",
    });
  });

  it("refuses a second project with the same name in the org, and records nothing for it", async () => {
    const { org, ctx } = await setup();
    await createProject(db.prisma, ctx, "API");

    await expect(createProject(db.prisma, ctx, "API")).rejects.toMatchObject({ code: "conflict", field: "name" });
    expect(await db.prisma.project.count({ where: { orgId: org.id } })).toBe(1);
    expect(await auditOf(org.id)).toHaveLength(1);

    // Another org may use the name.
    const other = await setup();
    await expect(createProject(db.prisma, other.ctx, "API")).resolves.toMatchObject({ name: "API" });
  });

  it("renames a project, refusing a name in use", async () => {
    const { org, ctx } = await setup();
    const web = await createProject(db.prisma, ctx, "Web");
    await createProject(db.prisma, ctx, "Mobile");

    expect(await renameProject(db.prisma, ctx, web.id, "Website")).toMatchObject({ id: web.id, name: "Website" });
    await expect(renameProject(db.prisma, ctx, web.id, "Mobile")).rejects.toMatchObject({ code: "conflict", field: "name" });
    expect((await db.prisma.project.findUniqueOrThrow({ where: { id: web.id } })).name).toBe("Website");

    const renamed = (await auditOf(org.id)).filter((e) => e.action === "project.renamed");
    expect(renamed.map((e) => e.metadata)).toEqual([{ from: "Web", to: "Website" }]);
  });

  it("does not rename or delete another org's project", async () => {
    const mine = await setup();
    const theirs = await setup();
    const project = await createProject(db.prisma, theirs.ctx, "Secret");

    await expect(renameProject(db.prisma, mine.ctx, project.id, "Pwned")).rejects.toMatchObject({ code: "not_found" });
    await expect(deleteProject(db.prisma, mine.ctx, project.id)).rejects.toMatchObject({ code: "not_found" });
    expect(await db.prisma.project.findUniqueOrThrow({ where: { id: project.id } })).toMatchObject({ name: "Secret" });
    expect(await auditOf(mine.org.id)).toHaveLength(0);
  });

  it("deleting a project revokes the tokens limited to it, and only those", async () => {
    const { org, admin, ctx } = await setup();
    const doomed = await createProject(db.prisma, ctx, "Doomed");
    const kept = await createProject(db.prisma, ctx, "Kept");
    const scoped = await createTokenRow(db.prisma, { orgId: org.id, kind: "WORKSPACE", createdById: admin.id, projectId: doomed.id });
    const elsewhere = await createTokenRow(db.prisma, { orgId: org.id, kind: "WORKSPACE", createdById: admin.id, projectId: kept.id });
    const orgWide = await createTokenRow(db.prisma, { orgId: org.id, kind: "WORKSPACE", createdById: admin.id });

    expect(await deleteProject(db.prisma, ctx, doomed.id)).toEqual({ revoked: 1 });

    expect(await db.prisma.project.findUnique({ where: { id: doomed.id } })).toBeNull();
    const token = (id: string) => db.prisma.token.findUniqueOrThrow({ where: { id } });
    expect(await token(scoped.id)).toMatchObject({ status: "REVOKED", revokedAt: expect.any(Date) });
    expect(await token(elsewhere.id)).toMatchObject({ status: "ACTIVE", projectId: kept.id });
    expect(await token(orgWide.id)).toMatchObject({ status: "ACTIVE", projectId: null });

    const deleted = (await auditOf(org.id)).find((e) => e.action === "project.deleted");
    expect(deleted).toMatchObject({ targetId: doomed.id, targetLabel: "Doomed", metadata: { revokedTokens: 1 } });
    // Each revoked token has its own entry, saying why.
    const revokedEntries = (await auditOf(org.id)).filter((e) => e.action === "token.revoked");
    expect(revokedEntries).toEqual([expect.objectContaining({ targetId: scoped.id, metadata: expect.objectContaining({ reason: 'project "Doomed" deleted' }) })]);
    await expect(deleteProject(db.prisma, ctx, doomed.id)).rejects.toMatchObject({ code: "not_found" });
  });
});
