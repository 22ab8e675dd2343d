// `npm run db:migration -- <name>`: writes the next migration, the part of
// `prisma migrate dev --create-only` this machine can run. It diffs the migrations
// folder against prisma/schema.prisma (lib/db/schema-diff.ts) and, if they differ,
// saves the SQL as prisma/migrations/<YYYYMMDDHHMMSS>_<name>/migration.sql.
// Applying it is lib/db/migrate.ts's job.
import { access, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { MIGRATION_LOCK_TOML, diffMigrationsToSchema } from "../lib/db/schema-diff";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const schemaPath = path.join(root, "prisma", "schema.prisma");
const migrationsDir = path.join(root, "prisma", "migrations");

/** UTC, like Prisma's own migration names: 20240131235959. */
function timestamp(date: Date): string {
  return date.toISOString().replace(/\D/g, "").slice(0, 14);
}

async function main(): Promise<number> {
  const name = process.argv[2];
  if (!name || process.argv.length > 3 || !/^[a-z0-9_]+$/.test(name)) {
    console.error("Usage: npm run db:migration -- <name>   (name: lower-case letters, digits, _)");
    return 1;
  }

  const sql = await diffMigrationsToSchema({ schemaPath, migrationsDir });
  if (sql.trim() === "") {
    console.log("Schema and migrations agree; nothing to write.");
    return 0;
  }

  const dir = path.join(migrationsDir, `${timestamp(new Date())}_${name}`);
  await mkdir(dir, { recursive: true });
  // "wx": never overwrite, e.g. two runs within the same second.
  await writeFile(path.join(dir, "migration.sql"), sql, { flag: "wx" });

  const lockPath = path.join(migrationsDir, "migration_lock.toml");
  const lockExists = await access(lockPath).then(
    () => true,
    () => false,
  );
  if (!lockExists) await writeFile(lockPath, MIGRATION_LOCK_TOML);

  console.log(`Wrote ${path.relative(root, path.join(dir, "migration.sql"))}`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
