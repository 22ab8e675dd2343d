import { rm } from "node:fs/promises";
import { setTimeout as delay } from "node:timers/promises";

import pg from "pg";

import { createDriver, type Driver } from "@/lib/db/driver";
import { migrate } from "@/lib/db/migrate";
import { PrismaClient } from "@/lib/generated/prisma/client";

import { freshPgliteDir, freshPostgresDatabase, type TestDatabaseKind } from "./databases";

export interface TestDb {
  prisma: PrismaClient;
  driver: Driver;
  /** Disconnects, then drops the postgres database or deletes the PGlite directory. */
  close(): Promise<void>;
}

/**
 * A fresh database of the given kind with every migration applied (or left
 * completely empty with `{ migrate: false }`). "postgres" needs TEST_DATABASE_URL
 * (a server URL whose user may CREATE DATABASE). Always call close().
 */
export async function openTestDb(kind: TestDatabaseKind, options: { migrate?: boolean } = {}): Promise<TestDb> {
  let driver: Driver;
  let cleanup: () => Promise<void>;
  if (kind === "postgres") {
    const baseUrl = process.env.TEST_DATABASE_URL;
    if (!baseUrl) throw new Error("openTestDb('postgres') needs TEST_DATABASE_URL");
    const database = await freshPostgresDatabase(baseUrl);
    driver = await createDriver({ kind: "postgres", url: database.url });
    cleanup = async () => {
      await waitForNoSessions(baseUrl, new URL(database.url).pathname.slice(1));
      await database.drop();
    };
  } else {
    const dataDir = freshPgliteDir();
    driver = await createDriver({ kind: "pglite", dataDir });
    cleanup = () => rm(dataDir, { recursive: true, force: true });
  }

  if (options.migrate !== false) {
    try {
      const session = await driver.session();
      try {
        await migrate(session);
      } finally {
        await session.close();
      }
    } catch (error) {
      await driver.close().finally(cleanup);
      throw error;
    }
  }

  const prisma = new PrismaClient({ adapter: driver.adapter });
  let closed = false;
  return {
    prisma,
    driver,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await prisma.$disconnect();
        await driver.close();
      } finally {
        await cleanup();
      }
    },
  };
}

/**
 * pg's Pool.end() resolves before its connections have said goodbye; dropping the
 * database WITH (FORCE) under them makes them fail with an uncaught error. Wait
 * (briefly) until the server has no session left on it.
 */
async function waitForNoSessions(baseUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    for (let i = 0; i < 200; i++) {
      const { rows } = await client.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1",
        [database],
      );
      if (rows[0].n === 0) return;
      await delay(10);
    }
  } finally {
    await client.end();
  }
}
