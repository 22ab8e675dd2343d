import { rm } from "node:fs/promises";
import { setTimeout as delay } from "node:timers/promises";

import pg from "pg";

import type { DatabaseTarget } from "@/lib/db/connection";
import { createDriver, type Driver } from "@/lib/db/driver";
import { migrate } from "@/lib/db/migrate";

import { freshPgliteDir, freshPostgresDatabase, type TestDatabaseKind } from "./databases";

/** A new, empty database for one test file: what test-db, app-db and reopenable-db open. */
export interface FreshDatabase {
  target: DatabaseTarget;
  /**
   * Applies every migration through one session of `via` (a driver already open
   * on `target`, or the app's own sqlSession), or, without it, through a driver
   * of its own that it closes again.
   */
  migrate(via?: Pick<Driver, "session">): Promise<void>;
  /** Drops the postgres database / deletes the PGlite directory: close every connection to it first. */
  dispose(): Promise<void>;
}

/**
 * A new PGlite directory, or a new database on TEST_DATABASE_URL's server (a
 * server URL whose user may CREATE DATABASE). Nothing is connected to it yet.
 */
export async function freshDatabase(kind: TestDatabaseKind): Promise<FreshDatabase> {
  let target: DatabaseTarget;
  let dispose: () => Promise<void>;
  if (kind === "postgres") {
    const baseUrl = process.env.TEST_DATABASE_URL;
    if (!baseUrl) throw new Error("a fresh 'postgres' test database needs TEST_DATABASE_URL");
    const database = await freshPostgresDatabase(baseUrl);
    target = { kind: "postgres", url: database.url };
    dispose = async () => {
      await waitForNoSessions(baseUrl, new URL(database.url).pathname.slice(1));
      await database.drop();
    };
  } else {
    const dataDir = freshPgliteDir();
    target = { kind: "pglite", dataDir };
    dispose = () => rm(dataDir, { recursive: true, force: true });
  }

  return {
    target,
    async migrate(via) {
      if (via) return migrateThrough(via);
      const driver = await createDriver(target);
      try {
        await migrateThrough(driver);
      } finally {
        await driver.close();
      }
    },
    dispose,
  };
}

async function migrateThrough(via: Pick<Driver, "session">): Promise<void> {
  const session = await via.session();
  try {
    await migrate(session);
  } finally {
    await session.close();
  }
}

/**
 * pg's Pool.end() resolves before its connections have said goodbye; dropping the
 * database WITH (FORCE) under them makes them fail with an uncaught error. Wait
 * (briefly) until the server has no session left on it.
 */
export async function waitForNoSessions(baseUrl: string, database: string): Promise<void> {
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
