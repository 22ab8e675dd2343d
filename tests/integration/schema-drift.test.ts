// Drift check: the SQL migrations in prisma/migrations must build exactly the
// database that prisma/schema.prisma describes. If this fails after a schema edit,
// run `npm run db:migration -- <name>` and commit the new migration.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import { diffMigrationsToSchema } from "../../lib/db/schema-diff";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const schemaPath = path.join(root, "prisma", "schema.prisma");
const migrationsDir = path.join(root, "prisma", "migrations");

// Loading the schema engine's WebAssembly and replaying migrations into PGlite
// takes a few seconds on a slow machine.
const TIMEOUT = 120_000;

describe("prisma migrations vs schema.prisma", () => {
  it(
    "agree: the migrations produce exactly the schema",
    async () => {
      const sql = await diffMigrationsToSchema({ schemaPath, migrationsDir });
      expect(sql.trim(), `Migrations are behind the schema; missing SQL:\n${sql}`).toBe("");
    },
    TIMEOUT,
  );

  it(
    "detects a model that no migration creates",
    async () => {
      const dir = await mkdtemp(path.join(tmpdir(), "keysmith-drift-"));
      try {
        const schema = await readFile(schemaPath, "utf8");
        const drifted = path.join(dir, "schema.prisma");
        await writeFile(
          drifted,
          `${schema}\nmodel DriftProbe {\n  id    String @id\n  label String\n}\n`,
        );
        const sql = await diffMigrationsToSchema({ schemaPath: drifted, migrationsDir });
        expect(sql).toContain('CREATE TABLE "DriftProbe"');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    TIMEOUT,
  );
});
