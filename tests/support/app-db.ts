import { rm } from "node:fs/promises";
import { setTimeout as delay } from "node:timers/promises";

import pg from "pg";

import { db, sqlSession } from "@/lib/db/client";
import type { Driver } from "@/lib/db/driver";
import { migrate } from "@/lib/db/migrate";
import type { PrismaClient } from "@/lib/generated/prisma/client";

import { freshPgliteDir, freshPostgresDatabase, type TestDatabaseKind } from "./databases";

/** lib/db/client.ts caches its client here (per process; vitest runs each test file in its own). */
const CLIENT_KEY = Symbol.for("keysmith.db");
type GlobalWithDb = typeof globalThis & { [CLIENT_KEY]?: Promise<{ driver: Driver; prisma: PrismaClient }> };

export interface AppDb {
  /** The very client the route handlers use (`db()` from lib/db/client.ts). */
  prisma: PrismaClient;
  close(): Promise<void>;
}

/**
 * Points the app's own `db()` at a fresh, migrated database of the given kind:
 * a new PGlite directory, or a new database on TEST_DATABASE_URL's server.
 * Call before anything else calls `db()` in this process; `close()` disconnects
 * and deletes the database.
 */
export async function openAppDb(kind: TestDatabaseKind): Promise<AppDb> {
  const g = globalThis as GlobalWithDb;
  if (g[CLIENT_KEY]) throw new Error("db() was already opened in this process: openAppDb must come first");

  const savedEnv = { DATABASE_URL: process.env.DATABASE_URL, KEYSMITH_DATA_DIR: process.env.KEYSMITH_DATA_DIR };
  let cleanup: () => Promise<void>;
  if (kind === "postgres") {
    const baseUrl = process.env.TEST_DATABASE_URL;
    if (!baseUrl) throw new Error("openAppDb('postgres') needs TEST_DATABASE_URL");
    const database = await freshPostgresDatabase(baseUrl);
    process.env.DATABASE_URL = database.url;
    cleanup = async () => {
      await waitForNoSessions(baseUrl, new URL(database.url).pathname.slice(1));
      await database.drop();
    };
  } else {
    const dataDir = freshPgliteDir();
    delete process.env.DATABASE_URL;
    process.env.KEYSMITH_DATA_DIR = dataDir;
    cleanup = () => rm(dataDir, { recursive: true, force: true });
  }

  const session = await sqlSession();
  try {
    await migrate(session);
  } finally {
    await session.close();
  }
  const prisma = await db();

  return {
    prisma,
    async close() {
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
        await cleanup();
      }
    },
  };
}

/** Dropping a database WITH (FORCE) under a closing pool makes its clients fail loudly: wait for them to leave. */
async function waitForNoSessions(baseUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    for (let i = 0; i < 200; i++) {
      const { rows } = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1", [database]);
      if (rows[0].n === 0) return;
      await delay(10);
    }
  } finally {
    await client.end();
  }
}
