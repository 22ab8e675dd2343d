import { getDb, sqlSession } from "@/lib/db/client";
import type { Driver } from "@/lib/db/driver";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { settleMonthReads } from "@/lib/gateways/budget";
import { flushUsage } from "@/lib/tokens/usage";

import type { TestDatabaseKind } from "./databases";
import { freshDatabase } from "./fresh-database";
import { createOrgWithAdmin } from "./fixtures";

/** lib/db/client.ts caches its client here (per process; vitest runs each test file in its own). */
const CLIENT_KEY = Symbol.for("keysmith.db");
type GlobalWithDb = typeof globalThis & { [CLIENT_KEY]?: Promise<{ driver: Driver; prisma: PrismaClient }> };

export interface AppDb {
  /** The very client the route handlers use (`getDb()` from lib/db/client.ts). */
  prisma: PrismaClient;
  /** Finishes budget reads and writes the usage tally (both go to this database), then disconnects and deletes it. */
  close(): Promise<void>;
}

/**
 * Points the app's own `getDb()` at a fresh, migrated database of the given kind:
 * a new PGlite directory, or a new database on TEST_DATABASE_URL's server.
 * Call before anything else calls `getDb()` in this process; `close()` disconnects
 * and deletes the database.
 */
export async function openAppDb(kind: TestDatabaseKind): Promise<AppDb> {
  const g = globalThis as GlobalWithDb;
  if (g[CLIENT_KEY]) throw new Error("getDb() was already opened in this process: openAppDb must come first");

  const savedEnv = { DATABASE_URL: process.env.DATABASE_URL, KEYSMITH_DATA_DIR: process.env.KEYSMITH_DATA_DIR };
  const database = await freshDatabase(kind);
  if (database.target.kind === "postgres") {
    process.env.DATABASE_URL = database.target.url;
  } else {
    delete process.env.DATABASE_URL;
    process.env.KEYSMITH_DATA_DIR = database.target.dataDir;
  }

  await database.migrate({ session: sqlSession });
  const prisma = await getDb();

  return {
    prisma,
    async close() {
      // Nothing in the background may reach for getDb() once it is gone: it would open a new client.
      await settleMonthReads();
      await flushUsage();
      const cached = g[CLIENT_KEY];
      delete g[CLIENT_KEY];
      try {
        if (cached) {
          const { driver, prisma: client } = await cached;
          await client.$disconnect();
          await driver.close();
        }
      } finally {
        for (const [name, value] of Object.entries(savedEnv)) {
          if (value === undefined) delete process.env[name];
          else process.env[name] = value;
        }
        await database.dispose();
      }
    },
  };
}

/** openAppDb plus an org with its first admin, and `meta`: that admin acting in it. */
export async function openAppDbWithOrg(kind: TestDatabaseKind) {
  const app = await openAppDb(kind);
  const { org, admin, ctx } = await createOrgWithAdmin(app.prisma);
  return { app, prisma: app.prisma, org, admin, meta: ctx };
}
