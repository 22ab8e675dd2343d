import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { DEFAULT_ADMIN, DEMO_ORG, seedDemo } from "@/lib/db/seed";

import { testDatabases } from "../support/databases";
import { openTestDb, type TestDb } from "../support/test-db";

describe.each(testDatabases)("seedDemo() on $name", ({ name }) => {
  let db: TestDb;

  beforeAll(async () => {
    db = await openTestDb(name);
  });

  afterAll(async () => {
    await db?.close();
  });

  // Every test starts from a migrated database without any org or user.
  beforeEach(async () => {
    await db.prisma.$executeRawUnsafe('TRUNCATE "Organization", "User" CASCADE');
  });

  it("seeds the demo org with its admin once, with sign-in details that work", async () => {
    const first = await seedDemo(db.prisma, {});
    expect(first).toEqual({ email: DEFAULT_ADMIN.email, password: DEFAULT_ADMIN.password, created: true });

    const org = await db.prisma.organization.findUniqueOrThrow({
      where: { slug: DEMO_ORG.slug },
      include: { memberships: { include: { user: true } } },
    });
    expect(org.memberships).toHaveLength(1);
    expect(org.memberships[0].role).toBe("ADMIN");
    expect(org.memberships[0].user.email).toBe(DEFAULT_ADMIN.email);
    expect(await verifyPassword(DEFAULT_ADMIN.password, org.memberships[0].user.passwordHash)).toBe(true);

    const second = await seedDemo(db.prisma, {});
    expect(second).toEqual({ email: DEFAULT_ADMIN.email, password: DEFAULT_ADMIN.password, created: false });
    expect(await db.prisma.organization.count()).toBe(1);
    expect(await db.prisma.user.count()).toBe(1);
    expect(await db.prisma.project.count({ where: { orgId: org.id } })).toBe(2);
  });

  it("takes the admin's e-mail and password from the environment", async () => {
    const env = { KEYSMITH_ADMIN_EMAIL: "  Ops@Example.TEST ", KEYSMITH_ADMIN_PASSWORD: "a-long-secret-pw" };
    const result = await seedDemo(db.prisma, env);
    expect(result).toEqual({ email: "ops@example.test", password: "a-long-secret-pw", created: true });

    const user = await db.prisma.user.findUniqueOrThrow({ where: { email: "ops@example.test" } });
    expect(await verifyPassword("a-long-secret-pw", user.passwordHash)).toBe(true);
    expect(await db.prisma.user.findUnique({ where: { email: DEFAULT_ADMIN.email } })).toBeNull();
  });

  it("does not print a password that no longer works", async () => {
    await seedDemo(db.prisma, {});
    await db.prisma.user.update({
      where: { email: DEFAULT_ADMIN.email },
      data: { passwordHash: await hashPassword("changed-by-the-admin") },
    });
    expect(await seedDemo(db.prisma, {})).toEqual({ email: DEFAULT_ADMIN.email, password: null, created: false });
  });

  if (name === "postgres") {
    it("seeds exactly once when two instances start at the same time", async () => {
      const results = await Promise.allSettled([seedDemo(db.prisma, {}), seedDemo(db.prisma, {})]);
      expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
      expect(await db.prisma.organization.count()).toBe(1);
      expect(await db.prisma.membership.count()).toBe(1);
    });
  }
});
