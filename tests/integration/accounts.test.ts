import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { signUp } from "@/lib/accounts/service";
import { DomainError } from "@/lib/errors";
import { signUpInput as signUpSchema, type SignUpInput } from "@/lib/schemas/account";
import { verifyPassword } from "@/lib/auth/password";
import { inviteMember } from "@/lib/members/invitations";
import { createOrganization } from "@/lib/orgs/service";

import { testDatabases } from "../support/databases";
import { contextFor, createOrgWithAdmin, createUser, uniq } from "../support/fixtures";
import { openTestDb, type TestDb } from "../support/test-db";

/** What the sign-up form submits, parsed the way the server action parses it. */
function form(fields: Partial<SignUpInput> = {}): SignUpInput {
  return signUpSchema.parse({
    name: "Ada Lovelace",
    email: `ada-${uniq()}@example.test`,
    password: "analytical-engine",
    orgName: "",
    ...fields,
  });
}

describe.each(testDatabases)("sign-up and new orgs on $name", ({ name }) => {
  let db: TestDb;

  beforeAll(async () => {
    db = await openTestDb(name);
  });

  afterAll(async () => {
    await db?.close();
  });

  const counts = async () => ({ users: await db.prisma.user.count(), orgs: await db.prisma.organization.count() });

  it("creates the account and its first org with the new user as admin", async () => {
    const input = form({ orgName: "Difference Engines Ltd" });
    const { userId, orgSlug } = await signUp(db.prisma, input);

    expect(orgSlug).toMatch(/^difference-engines-ltd/);
    const user = await db.prisma.user.findUniqueOrThrow({ where: { id: userId }, include: { memberships: { include: { org: true } } } });
    expect(user.email).toBe(input.email);
    expect(await verifyPassword("analytical-engine", user.passwordHash)).toBe(true);
    expect(user.memberships).toHaveLength(1);
    expect(user.memberships[0]).toMatchObject({ role: "ADMIN", org: { slug: orgSlug, name: "Difference Engines Ltd" } });
  });

  it("names the org after the user when no org name is given, with a free slug", async () => {
    const first = await signUp(db.prisma, form({ name: "Grace Hopper" }));
    const second = await signUp(db.prisma, form({ name: "Grace Hopper" }));

    expect(first.orgSlug).not.toBe(second.orgSlug);
    const org = await db.prisma.organization.findUniqueOrThrow({ where: { slug: first.orgSlug } });
    expect(org.name).toBe("Grace Hopper's organization");
  });

  it("refuses an e-mail that is taken, in any letter case, without creating anything", async () => {
    const email = `taken-${uniq()}@example.test`;
    await signUp(db.prisma, form({ email }));
    const before = await counts();

    await expect(signUp(db.prisma, form({ email: email.toUpperCase() }))).rejects.toBeInstanceOf(DomainError);
    expect(await counts()).toEqual(before);
  });

  it("joins the inviting org instead of creating one", async () => {
    const { org, admin } = await createOrgWithAdmin(db.prisma);
    const email = `invited-${uniq()}@example.test`;
    const invite = (await inviteMember(db.prisma, { ...contextFor(org.id, admin), invitedById: admin.id }, email, "VIEWER")).path.slice("/invite/".length);
    const before = await counts();

    const { userId, orgSlug } = await signUp(db.prisma, form({ email, invite }));

    expect(orgSlug).toBe(org.slug);
    expect(await counts()).toEqual({ users: before.users + 1, orgs: before.orgs });
    const membership = await db.prisma.membership.findUniqueOrThrow({ where: { userId_orgId: { userId, orgId: org.id } } });
    expect(membership.role).toBe("VIEWER");
  });

  it("leaves no half-made account when the invitation is not valid", async () => {
    const email = `bad-invite-${uniq()}@example.test`;
    const before = await counts();

    await expect(signUp(db.prisma, form({ email, invite: "not-a-real-invite" }))).rejects.toBeInstanceOf(DomainError);
    expect(await db.prisma.user.findUnique({ where: { email } })).toBeNull();
    expect(await counts()).toEqual(before);
    // The address is free to sign up properly afterwards.
    await expect(signUp(db.prisma, form({ email }))).resolves.toMatchObject({ orgSlug: expect.any(String) });
  });

  if (name === "postgres") {
    it("gives orgs created at once with the same name each a free slug", async () => {
      const orgName = `Popular ${uniq()}`;
      const users = await Promise.all([1, 2, 3, 4].map(() => createUser(db.prisma, "founder")));
      const results = await Promise.allSettled(users.map((u) => db.prisma.$transaction((tx) => createOrganization(tx, u.id, orgName))));

      expect(results.map((r) => (r.status === "rejected" ? String(r.reason).split("\n").at(-1) : "ok"))).toEqual(
        ["ok", "ok", "ok", "ok"],
      );
      expect(await db.prisma.organization.count({ where: { name: orgName } })).toBe(4);
    });
  }
});
