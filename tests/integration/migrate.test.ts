import { createHash } from "node:crypto";
import { appendFile, cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

import type { SqlConnection } from "@/lib/db/connection";
import { MIGRATIONS_DIR, migrate } from "@/lib/db/migrate";

import { testDatabases } from "../support/databases";
import { openTestDb, type TestDb } from "../support/test-db";

type MigrationRow = {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
};

async function migrationNames(dir = MIGRATIONS_DIR): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

function recorded(session: SqlConnection) {
  return session.query<MigrationRow>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY migration_name`,
  );
}

async function tableExists(session: SqlConnection, name: string): Promise<boolean> {
  const rows = await session.query<{ exists: boolean }>("SELECT to_regclass($1) IS NOT NULL AS exists", [`"${name}"`]);
  return rows[0].exists;
}

describe.each(testDatabases)("migrate() on $name", ({ name }) => {
  let db: TestDb;
  let session: SqlConnection;
  let scratch: string;

  beforeAll(async () => {
    db = await openTestDb(name, { migrate: false });
  });

  afterAll(async () => {
    await db?.close();
  });

  // Every test starts from an empty database (cheaper than a new one).
  beforeEach(async () => {
    session = await db.driver.session();
    await session.exec("DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
    scratch = await mkdtemp(path.join(tmpdir(), "keysmith-migrations-"));
  });

  afterEach(async () => {
    await session?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  /** A copy of the real migrations that a test may edit. */
  async function copyOfMigrations(): Promise<string> {
    const dir = path.join(scratch, "migrations");
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    return dir;
  }

  it("applies every migration once and records it as Prisma does", async () => {
    const names = await migrationNames();
    expect(names.length).toBeGreaterThan(0);

    expect(await migrate(session)).toEqual(names);
    expect(await migrate(session)).toEqual([]);

    const rows = await recorded(session);
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    for (const row of rows) {
      const file = await readFile(path.join(MIGRATIONS_DIR, row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(createHash("sha256").update(file).digest("hex"));
      expect(row.finished_at).not.toBeNull();
      expect(row.rolled_back_at).toBeNull();
    }
    // The schema is usable through Prisma.
    expect(await db.prisma.user.count()).toBe(0);
  });

  it("refuses to start when an applied migration was edited afterwards", async () => {
    await migrate(session);
    const dir = await copyOfMigrations();
    const [first] = await migrationNames(dir);
    await appendFile(path.join(dir, first, "migration.sql"), "\n-- edited\n");

    await expect(migrate(session, dir)).rejects.toThrow(/checksum/i);
    expect(await recorded(session)).toHaveLength((await migrationNames()).length);
  });

  it("applies a new migration later, and a failing one leaves nothing behind", async () => {
    await migrate(session);
    const dir = await copyOfMigrations();
    const newName = "29991231000000_probe";
    await mkdir(path.join(dir, newName));
    const file = path.join(dir, newName, "migration.sql");

    await writeFile(file, `CREATE TABLE "Probe" ("id" INTEGER);\nSELECT * FROM "NoSuchTable";\n`);
    await expect(migrate(session, dir)).rejects.toThrow(newName);
    expect(await tableExists(session, "Probe")).toBe(false);
    expect((await recorded(session)).map((r) => r.migration_name)).not.toContain(newName);

    await writeFile(file, `CREATE TABLE "Probe" ("id" INTEGER);\n`);
    expect(await migrate(session, dir)).toEqual([newName]);
    expect(await tableExists(session, "Probe")).toBe(true);
    expect(await migrate(session, dir)).toEqual([]);
  });

  /** A copy of the migrations before `suffix`'s, and a function that adds it back (the later ones stay out). */
  async function migrationsBefore(suffix: string): Promise<{ dir: string; name: string; addBack: () => Promise<void> }> {
    const dir = await copyOfMigrations();
    const names = await migrationNames(dir);
    const at = names.findIndex((n) => n.endsWith(suffix));
    for (const n of names.slice(at)) await rm(path.join(dir, n), { recursive: true });
    return { dir, name: names[at], addBack: () => cp(path.join(MIGRATIONS_DIR, names[at]), path.join(dir, names[at]), { recursive: true }) };
  }

  it("backfills this month's model tokens from the recorded gateway calls", async () => {
    const { dir, name: backfill, addBack } = await migrationsBefore("_usage_model_tokens");
    await migrate(session, dir);
    await session.exec(`
      INSERT INTO "Organization" (id, slug, name) VALUES ('o1', 'o1', 'O');
      INSERT INTO "Token" (id, "orgId", kind, name, hash, prefix, last4, "updatedAt")
        VALUES ('t1', 'o1', 'GATEWAY', 'g', 'h1', 'ksg_', 'abcd', now());
      INSERT INTO "TokenUsageDay" ("tokenId", day, count) VALUES ('t1', '2026-11-02', 2);
      INSERT INTO "GatewayCall" (id, "orgId", "tokenId", model, "inputTokens", "outputTokens", streamed, "createdAt") VALUES
        ('c1', 'o1', 't1', 'm', 10, 5, false, '2026-11-02 10:00'),
        ('c2', 'o1', 't1', 'm', 1, 1, false, '2026-11-02 23:59'),
        ('c3', 'o1', 't1', 'm', 7, 0, true, '2026-11-03 00:00'),
        ('c4', 'o1', NULL, 'm', 99, 99, false, '2026-11-03 00:00');
    `);

    await addBack();
    expect(await migrate(session, dir)).toEqual([backfill]);
    const days = await session.query<{ day: string; count: string; modelTokens: string }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, count::text, "modelTokens"::text AS "modelTokens" FROM "TokenUsageDay" ORDER BY day`,
    );
    // The calls that day keep their count; the day without a bucket gets one, with no calls.
    expect(days).toEqual([
      { day: "2026-11-02", count: "2", modelTokens: "17" },
      { day: "2026-11-03", count: "0", modelTokens: "7" },
    ]);
  });

  it("moves daily counts into the day buckets and gateway calls into model buckets and the request log", async () => {
    const { dir, name: buckets, addBack } = await migrationsBefore("_usage_history_and_token_policy");
    await migrate(session, dir);
    await session.exec(`
      INSERT INTO "Organization" (id, slug, name) VALUES ('o1', 'o1', 'O');
      INSERT INTO "Token" (id, "orgId", kind, name, hash, prefix, last4, "updatedAt")
        VALUES ('t1', 'o1', 'GATEWAY', 'g', 'h1', 'ksg_', 'abcd', now()), ('t2', 'o1', 'WORKSPACE', 'w', 'h2', 'ksw_', 'efgh', now());
      INSERT INTO "TokenUsageDay" ("tokenId", day, count, "modelTokens") VALUES ('t1', '2026-11-02', 2, 17), ('t2', '2026-11-03', 5, 0);
      INSERT INTO "GatewayCall" (id, "orgId", "tokenId", model, "inputTokens", "outputTokens", streamed, "createdAt") VALUES
        ('c1', 'o1', 't1', 'm', 10, 5, false, '2026-11-02 10:00'),
        ('c2', 'o1', 't1', 'm', 1, 1, false, '2026-11-02 23:59'),
        ('c3', 'o1', 't1', 'n', 7, 0, true, '2026-11-02 12:00'),
        ('c4', 'o1', NULL, 'm', 99, 99, false, '2026-11-03 00:00');
    `);

    await addBack();
    expect(await migrate(session, dir)).toEqual([buckets]);
    expect(
      await session.query(`SELECT "tokenId", span::text, to_char(start, 'YYYY-MM-DD HH24:MI') AS start, kind::text, succeeded::int FROM "TokenUsageBucket" ORDER BY "tokenId"`),
    ).toEqual([
      { tokenId: "t1", span: "DAY", start: "2026-11-02 00:00", kind: "GATEWAY", succeeded: 2 },
      { tokenId: "t2", span: "DAY", start: "2026-11-03 00:00", kind: "WORKSPACE", succeeded: 5 },
    ]);
    expect(
      await session.query(`SELECT model, calls::int, "inputTokens"::int AS i, "outputTokens"::int AS o FROM "TokenModelBucket" WHERE span = 'DAY' ORDER BY model`),
    ).toEqual([
      { model: "m", calls: 2, i: 11, o: 6 },
      { model: "n", calls: 1, i: 7, o: 0 },
    ]);
    // The call whose token is gone has no log to go to; the others keep what was known of them.
    expect(await session.query(`SELECT route, status, model, "inputTokens" AS i FROM "TokenRequest" ORDER BY at`)).toEqual([
      { route: "/api/gpt/v1/messages", status: 200, model: "m", i: 10 },
      { route: "/api/gpt/v1/messages", status: 200, model: "n", i: 7 },
      { route: "/api/gpt/v1/messages", status: 200, model: "m", i: 1 },
    ]);
    expect(await tableExists(session, "GatewayCall")).toBe(false);
    expect(await tableExists(session, "TokenUsageDay")).toBe(false);
  });

  if (name === "postgres") {
    it("lets two instances start at once: one applies, the other waits and applies nothing", async () => {
      const other = await db.driver.session();
      try {
        const results = await Promise.all([migrate(session), migrate(other)]);
        const names = await migrationNames();
        expect(results.map((r) => r.length).sort()).toEqual([0, names.length]);
        expect(await recorded(session)).toHaveLength(names.length);
      } finally {
        await other.close();
      }
    });
  }
});
