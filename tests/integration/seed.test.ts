import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { DEFAULT_ADMIN_EMAIL, DEMO_ORG, seedDemo, type PasswordMemo } from "@/lib/db/seed";

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

  /** What the embedded install keeps in a 0600 file (lib/db/seed.ts passwordFile). */
  function memo(): PasswordMemo & { value: string | null } {
    const m = { value: null as string | null, read: () => m.value, write: (p: string) => void (m.value = p) };
    return m;
  }

  it("seeds the demo org with its admin once, with a generated password that works", async () => {
    const remembered = memo();
    const first = await seedDemo(db.prisma, {}, remembered);
    expect(first).toEqual({ email: DEFAULT_ADMIN_EMAIL, password: expect.stringMatching(/^[\w-]{20}$/), generated: true, created: true });
    expect(remembered.value).toBe(first.password);

    const org = await db.prisma.organization.findUniqueOrThrow({
      where: { slug: DEMO_ORG.slug },
      include: { memberships: { include: { user: true } } },
    });
    expect(org.memberships).toHaveLength(1);
    expect(org.memberships[0].role).toBe("ADMIN");
    expect(org.memberships[0].user.email).toBe(DEFAULT_ADMIN_EMAIL);
    expect(await verifyPassword(first.password!, org.memberships[0].user.passwordHash)).toBe(true);

    // A later start prints the same password again while it still works.
    const second = await seedDemo(db.prisma, {}, remembered);
    expect(second).toEqual({ email: DEFAULT_ADMIN_EMAIL, password: first.password, generated: true, created: false });
    expect(await db.prisma.organization.count()).toBe(1);
    expect(await db.prisma.user.count()).toBe(1);
    expect(await db.prisma.project.count({ where: { orgId: org.id } })).toBe(2);
  });

  it("takes the admin's e-mail and password from the environment", async () => {
    const env = { KEYSMITH_ADMIN_EMAIL: "  Ops@Example.TEST ", KEYSMITH_ADMIN_PASSWORD: "a-long-secret-pw" };
    const result = await seedDemo(db.prisma, env);
    expect(result).toEqual({ email: "ops@example.test", password: "a-long-secret-pw", generated: false, created: true });

    const user = await db.prisma.user.findUniqueOrThrow({ where: { email: "ops@example.test" } });
    expect(await verifyPassword("a-long-secret-pw", user.passwordHash)).toBe(true);
    expect(await db.prisma.user.findUnique({ where: { email: DEFAULT_ADMIN_EMAIL } })).toBeNull();
  });

  it("gives every install its own password", async () => {
    const a = await seedDemo(db.prisma, {}, memo());
    await db.prisma.$executeRawUnsafe('TRUNCATE "Organization", "User" CASCADE');
    const b = await seedDemo(db.prisma, {}, memo());
    expect(a.password).not.toBe(b.password);
  });

  it("does not print a password that no longer works", async () => {
    const remembered = memo();
    await seedDemo(db.prisma, {}, remembered);
    await db.prisma.user.update({
      where: { email: DEFAULT_ADMIN_EMAIL },
      data: { passwordHash: await hashPassword("changed-by-the-admin") },
    });
    expect(await seedDemo(db.prisma, {}, remembered)).toEqual({ email: DEFAULT_ADMIN_EMAIL, password: null, generated: true, created: false });
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
