/**
 * A person's own account and an organization's end: renaming oneself, leaving an
 * org (what goes with it, and what stays), deleting an org (only its last admin,
 * its slug typed, every token stops at once).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { updateProfile } from "@/lib/accounts/service";
import { startSession, sessionUser } from "@/lib/auth/sessions";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { leaveOrg, liveTokensByOrg, orgDeletionFacts } from "@/lib/members/service";
import { deleteOrg } from "@/lib/orgs/service";
import { verifyToken } from "@/lib/tokens/verify";

import { openAppDb, type AppDb } from "../support/app-db";
import { testDatabases } from "../support/databases";
import { addMember, contextFor, createOrgWithAdmin, issueWorkspaceToken } from "../support/fixtures";

describe.each(testDatabases)("accounts and organizations on $name", ({ name }) => {
  let app: AppDb;
  let prisma: PrismaClient;

  beforeAll(async () => {
    app = await openAppDb(name);
    prisma = app.prisma;
  });

  afterAll(async () => {
    await app?.close();
  });

  it("renames a person, and their tokens report the new name at once", async () => {
    const { org, admin, ctx } = await createOrgWithAdmin(prisma);
    const { secret } = await issueWorkspaceToken(prisma, { meta: ctx, admin });
    expect((await verifyToken(prisma, secret))?.createdBy?.name).toBe("admin");
    await updateProfile(prisma, admin.id, "Ada Lovelace");
    expect((await verifyToken(prisma, secret))?.createdBy?.name).toBe("Ada Lovelace");
    expect(org.id).toBeTruthy();
  });

  it("lets a member leave: their workspace tokens are revoked, their sessions stay, the leaving is audited", async () => {
    const { org } = await createOrgWithAdmin(prisma);
    const { user } = await addMember(prisma, org.id, "DEVELOPER");
    const meta = contextFor(org.id, user);
    const { secret } = await issueWorkspaceToken(prisma, { meta, admin: user });
    const sid = await startSession(prisma, user.id);
    expect((await liveTokensByOrg(prisma, user.id)).get(org.id)).toBe(1);

    await leaveOrg(prisma, meta, user.id);

    expect(await prisma.membership.count({ where: { orgId: org.id, userId: user.id } })).toBe(0);
    expect(await verifyToken(prisma, secret)).toBeNull();
    expect(await sessionUser(prisma, sid, user.id)).not.toBeNull();
    const entry = await prisma.auditEvent.findFirstOrThrow({ where: { orgId: org.id, action: "member.left" } });
    expect(entry.metadata).toMatchObject({ role: "DEVELOPER", revokedTokens: 1 });
  });

  it("does not let the last admin leave", async () => {
    const { org, admin, ctx } = await createOrgWithAdmin(prisma);
    await expect(leaveOrg(prisma, ctx, admin.id)).rejects.toThrow(/at least one admin/);
    expect(await prisma.membership.count({ where: { orgId: org.id } })).toBe(1);
  });

  it("deletes an org only for its last admin with its slug typed; every token stops at once; other orgs are untouched", async () => {
    const { org, admin, ctx } = await createOrgWithAdmin(prisma);
    const { user: second } = await addMember(prisma, org.id, "ADMIN");
    const { secret } = await issueWorkspaceToken(prisma, { meta: ctx, admin });
    const other = await createOrgWithAdmin(prisma);
    const { secret: otherSecret } = await issueWorkspaceToken(prisma, { meta: other.ctx, admin: other.admin });
    expect(await verifyToken(prisma, secret)).not.toBeNull();

    expect(await orgDeletionFacts(prisma, org.id, admin.id)).toEqual({ otherAdmins: 1, tokens: 1 });
    await expect(deleteOrg(prisma, ctx, admin.id, org.slug)).rejects.toThrow(/last admin/);
    await prisma.membership.deleteMany({ where: { orgId: org.id, userId: second.id } });
    await expect(deleteOrg(prisma, ctx, admin.id, "not-the-slug")).rejects.toThrow(`Type ${org.slug} to confirm.`);
    expect(await prisma.organization.count({ where: { id: org.id } })).toBe(1);

    await deleteOrg(prisma, ctx, admin.id, org.slug);
    expect(await prisma.organization.count({ where: { id: org.id } })).toBe(0);
    expect(await prisma.token.count({ where: { orgId: org.id } })).toBe(0);
    expect(await verifyToken(prisma, secret)).toBeNull();
    expect(await verifyToken(prisma, otherSecret)).not.toBeNull();
  });
});
