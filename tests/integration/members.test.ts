import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DomainError } from "@/lib/errors";
import { mailBody } from "@/lib/email/outbox";
import { acceptInvitation, findInvitation, invitationLink, inviteMember, resendInvitation } from "@/lib/members/invitations";
import { changeRole, removeMember } from "@/lib/members/service";

import { testDatabases } from "../support/databases";
import { addMember, contextFor, createOrgWithAdmin, createTokenRow, createUser } from "../support/fixtures";
import { openTestDb, type TestDb } from "../support/test-db";

describe.each(testDatabases)("members on $name", ({ name }) => {
  let db: TestDb;

  beforeAll(async () => {
    db = await openTestDb(name);
  });

  afterAll(async () => {
    await db?.close();
  });

  async function invite(role: "VIEWER" | "DEVELOPER" | "ADMIN" = "DEVELOPER") {
    const { org, admin } = await createOrgWithAdmin(db.prisma);
    const invitee = await createUser(db.prisma, "invitee");
    const { path } = await inviteMember(db.prisma, { ...contextFor(org.id, admin), invitedById: admin.id }, invitee.email, role);
    return { org, admin, invitee, secret: secretOf(path) };
  }

  const secretOf = (path: string) => path.slice("/invite/".length);

  function roleOf(userId: string, orgId: string) {
    return db.prisma.membership
      .findUnique({ where: { userId_orgId: { userId, orgId } } })
      .then((m) => m?.role ?? null);
  }

  describe("invitations", () => {
    it("lets the invited user join with the invited role, and records both steps", async () => {
      const { org, admin, invitee, secret } = await invite("DEVELOPER");

      const stored = await db.prisma.invitation.findFirstOrThrow({ where: { orgId: org.id } });
      expect(stored.secretHash).not.toContain(secret);
      expect((await findInvitation(db.prisma, secret))?.org.slug).toBe(org.slug);

      expect(await acceptInvitation(db.prisma, secret, invitee)).toBe(org.slug);
      expect(await roleOf(invitee.id, org.id)).toBe("DEVELOPER");
      expect(await findInvitation(db.prisma, secret)).toBeNull();

      const events = await db.prisma.auditEvent.findMany({ where: { orgId: org.id }, orderBy: { createdAt: "asc" } });
      expect(events.map((e) => [e.action, e.actorId])).toEqual([
        ["member.invited", admin.id],
        ["member.joined", invitee.id],
      ]);
    });

    it("refuses an invitation meant for another e-mail address", async () => {
      const { org, invitee, secret } = await invite();
      const stranger = await createUser(db.prisma, "stranger");

      await expect(acceptInvitation(db.prisma, secret, stranger)).rejects.toThrow(DomainError);
      expect(await roleOf(stranger.id, org.id)).toBeNull();
      // The refused attempt does not use the invitation up.
      expect(await acceptInvitation(db.prisma, secret, invitee)).toBe(org.slug);
    });

    it("can be accepted only once", async () => {
      const { invitee, secret } = await invite();
      await acceptInvitation(db.prisma, secret, invitee);
      await expect(acceptInvitation(db.prisma, secret, invitee)).rejects.toThrow(DomainError);
    });

    it("refuses an unknown secret", async () => {
      const invitee = await createUser(db.prisma, "nobody-invited");
      await expect(acceptInvitation(db.prisma, "made-up-secret", invitee)).rejects.toThrow(DomainError);
    });

    it("replaces a pending invitation for the same address, and says so", async () => {
      const { org, admin, invitee, secret: first } = await invite("VIEWER");
      const second = await inviteMember(db.prisma, { ...contextFor(org.id, admin), invitedById: admin.id }, invitee.email, "ADMIN");
      expect(second.replaced).toBeInstanceOf(Date);

      await expect(acceptInvitation(db.prisma, first, invitee)).rejects.toThrow(DomainError);
      await acceptInvitation(db.prisma, secretOf(second.path), invitee);
      expect(await roleOf(invitee.id, org.id)).toBe("ADMIN");
    });

    it("e-mails the invitee the link, stored sealed until it is sent", async () => {
      const { org, invitee, secret } = await invite("DEVELOPER");
      const [mail] = await db.prisma.outboxEmail.findMany({ where: { orgId: org.id, to: invitee.email } });
      expect(mail.sealed).toBe(true);
      expect(mail.subject).toMatch(/invited you to/);
      expect(mail.html).not.toContain(secret);
      expect(mail.text).not.toContain(secret);
      const opened = mailBody(mail);
      expect(opened.text).toContain(`/invite/${secret}`);
      expect(opened.text).toContain("as Developer");
      expect(opened.html).toContain(`/invite/${secret}`);
    });

    it("gives an admin the same link again, and resends it with a fresh expiry", async () => {
      const { org, admin, invitee, secret } = await invite("VIEWER");
      const inv = await db.prisma.invitation.findFirstOrThrow({ where: { orgId: org.id } });
      expect(await invitationLink(db.prisma, org.id, inv.id)).toBe(`/invite/${secret}`);

      const resent = await resendInvitation(db.prisma, contextFor(org.id, admin), inv.id);
      expect(resent).toEqual({ email: invitee.email, path: `/invite/${secret}`, renewed: false });
      expect(await db.prisma.outboxEmail.count({ where: { orgId: org.id, to: invitee.email } })).toBe(2);
      const after = await db.prisma.invitation.findUniqueOrThrow({ where: { id: inv.id } });
      expect(after.expiresAt.getTime()).toBeGreaterThan(inv.expiresAt.getTime());
      // A link from another org is not this org's to copy.
      const other = await createOrgWithAdmin(db.prisma);
      await expect(invitationLink(db.prisma, other.org.id, inv.id)).rejects.toThrow(DomainError);
      expect(await acceptInvitation(db.prisma, secret, invitee)).toBe(org.slug);
      await expect(resendInvitation(db.prisma, contextFor(org.id, admin), inv.id)).rejects.toThrow(/no longer pending/);
    });

    it("resends an invitation made before links were kept with a new link", async () => {
      const { org, admin, invitee, secret } = await invite("VIEWER");
      const inv = await db.prisma.invitation.findFirstOrThrow({ where: { orgId: org.id } });
      await db.prisma.invitation.update({ where: { id: inv.id }, data: { secretSealed: null } });
      await expect(invitationLink(db.prisma, org.id, inv.id)).rejects.toThrow(/resend it/);
      const resent = await resendInvitation(db.prisma, contextFor(org.id, admin), inv.id);
      expect(resent.renewed).toBe(true);
      await expect(acceptInvitation(db.prisma, secret, invitee)).rejects.toThrow(DomainError);
      expect(await acceptInvitation(db.prisma, secretOf(resent.path), invitee)).toBe(org.slug);
    });

    it("refuses to invite someone who is already a member", async () => {
      const { org, admin } = await createOrgWithAdmin(db.prisma);
      const { user } = await addMember(db.prisma, org.id, "VIEWER");
      await expect(
        inviteMember(db.prisma, { ...contextFor(org.id, admin), invitedById: admin.id }, user.email, "ADMIN"),
      ).rejects.toThrow(DomainError);
    });
  });

  describe("the last admin", () => {
    it("cannot be demoted or removed", async () => {
      const { org, admin, membership } = await createOrgWithAdmin(db.prisma);
      const ctx = contextFor(org.id, admin);

      await expect(changeRole(db.prisma, ctx, membership.id, "DEVELOPER")).rejects.toThrow(/at least one admin/);
      await expect(removeMember(db.prisma, ctx, membership.id)).rejects.toThrow(/at least one admin/);
      expect(await roleOf(admin.id, org.id)).toBe("ADMIN");
    });

    it("can step down once another admin exists", async () => {
      const { org, admin, membership } = await createOrgWithAdmin(db.prisma);
      const other = await addMember(db.prisma, org.id, "ADMIN");
      const ctx = contextFor(org.id, admin);

      await changeRole(db.prisma, ctx, membership.id, "VIEWER");
      expect(await roleOf(admin.id, org.id)).toBe("VIEWER");
      await expect(changeRole(db.prisma, ctx, other.membership.id, "VIEWER")).rejects.toThrow(DomainError);

      const event = await db.prisma.auditEvent.findFirstOrThrow({ where: { orgId: org.id, action: "member.role_changed" } });
      expect(event.metadata).toEqual({ from: "ADMIN", to: "VIEWER" });
    });

    if (name === "postgres") {
      // Several orgs at once, so the two transactions of at least one really interleave.
      async function twoAdminOrgs(count: number) {
        return Promise.all(
          Array.from({ length: count }, async () => {
            const first = await createOrgWithAdmin(db.prisma);
            const second = await addMember(db.prisma, first.org.id, "ADMIN");
            return { org: first.org, a: { user: first.admin, membership: first.membership }, b: second };
          }),
        );
      }

      function adminCounts(orgIds: string[]) {
        return Promise.all(orgIds.map((orgId) => db.prisma.membership.count({ where: { orgId, role: "ADMIN" } })));
      }

      it("survives two admins demoting themselves at the same time", async () => {
        const orgs = await twoAdminOrgs(5);
        await Promise.allSettled(
          orgs.flatMap(({ org, a, b }) => [
            changeRole(db.prisma, contextFor(org.id, a.user), a.membership.id, "DEVELOPER"),
            changeRole(db.prisma, contextFor(org.id, b.user), b.membership.id, "DEVELOPER"),
          ]),
        );
        expect(await adminCounts(orgs.map((o) => o.org.id))).toEqual([1, 1, 1, 1, 1]);
      });

      it("survives two admins removing each other at the same time", async () => {
        const orgs = await twoAdminOrgs(5);
        await Promise.allSettled(
          orgs.flatMap(({ org, a, b }) => [
            removeMember(db.prisma, contextFor(org.id, a.user), b.membership.id),
            removeMember(db.prisma, contextFor(org.id, b.user), a.membership.id),
          ]),
        );
        expect(await adminCounts(orgs.map((o) => o.org.id))).toEqual([1, 1, 1, 1, 1]);
      });
    }
  });

  describe("removing a member", () => {
    it("revokes their workspace and gateway tokens but keeps their organization token working", async () => {
      const { org, admin } = await createOrgWithAdmin(db.prisma);
      const leaving = await addMember(db.prisma, org.id, "ADMIN");
      const staying = await addMember(db.prisma, org.id, "DEVELOPER");
      const workspace = await createTokenRow(db.prisma, { orgId: org.id, kind: "WORKSPACE", createdById: leaving.user.id });
      const gateway = await createTokenRow(db.prisma, { orgId: org.id, kind: "GATEWAY", createdById: leaving.user.id });
      const orgToken = await createTokenRow(db.prisma, {
        orgId: org.id,
        kind: "ORGANIZATION",
        createdById: leaving.user.id,
        role: "ADMIN",
      });
      const colleague = await createTokenRow(db.prisma, { orgId: org.id, kind: "WORKSPACE", createdById: staying.user.id });

      await removeMember(db.prisma, contextFor(org.id, admin), leaving.membership.id);

      expect(await roleOf(leaving.user.id, org.id)).toBeNull();
      const after = async (id: string) => db.prisma.token.findUniqueOrThrow({ where: { id } });
      for (const token of [workspace, gateway]) {
        expect(await after(token.id)).toMatchObject({ status: "REVOKED", revokedAt: expect.any(Date) });
      }
      for (const token of [orgToken, colleague]) {
        expect(await after(token.id)).toMatchObject({ status: "ACTIVE", revokedAt: null });
      }
      // The org token still names its (former) creator for the list.
      expect((await after(orgToken.id)).createdById).toBe(leaving.user.id);

      const event = await db.prisma.auditEvent.findFirstOrThrow({ where: { orgId: org.id, action: "member.removed" } });
      expect(event).toMatchObject({ actorId: admin.id, targetId: leaving.user.id, ip: "203.0.113.7", userAgent: "vitest" });
      expect(event.metadata).toMatchObject({ revokedTokens: 2 });
    });

    it("leaves the member's tokens in other organizations alone", async () => {
      const a = await createOrgWithAdmin(db.prisma);
      const b = await createOrgWithAdmin(db.prisma);
      const member = await addMember(db.prisma, a.org.id, "DEVELOPER");
      await db.prisma.membership.create({ data: { userId: member.user.id, orgId: b.org.id, role: "DEVELOPER" } });
      const elsewhere = await createTokenRow(db.prisma, { orgId: b.org.id, kind: "WORKSPACE", createdById: member.user.id });

      await removeMember(db.prisma, contextFor(a.org.id, a.admin), member.membership.id);

      expect((await db.prisma.token.findUniqueOrThrow({ where: { id: elsewhere.id } })).status).toBe("ACTIVE");
      expect(await roleOf(member.user.id, b.org.id)).toBe("DEVELOPER");
    });

    it("cannot reach a membership of another organization", async () => {
      const a = await createOrgWithAdmin(db.prisma);
      const b = await createOrgWithAdmin(db.prisma);
      const victim = await addMember(db.prisma, b.org.id, "DEVELOPER");

      await expect(removeMember(db.prisma, contextFor(a.org.id, a.admin), victim.membership.id)).rejects.toThrow(
        DomainError,
      );
      await expect(changeRole(db.prisma, contextFor(a.org.id, a.admin), victim.membership.id, "ADMIN")).rejects.toThrow(
        DomainError,
      );
      expect(await roleOf(victim.user.id, b.org.id)).toBe("DEVELOPER");
    });
  });
});
