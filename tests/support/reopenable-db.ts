import { rm } from "node:fs/promises";
import { setTimeout as delay } from "node:timers/promises";

import pg from "pg";

import type { DatabaseTarget } from "@/lib/db/connection";
import { createDriver } from "@/lib/db/driver";
import { migrate } from "@/lib/db/migrate";
import { PrismaClient } from "@/lib/generated/prisma/client";

import { freshPgliteDir, freshPostgresDatabase, type TestDatabaseKind } from "./databases";

export interface DbConnection {
  prisma: PrismaClient;
  /** Disconnects this client and closes its driver (the database stays). */
  close(): Promise<void>;
}

/**
 * A fresh, migrated database that can be connected to more than once: to
 * simulate a process restart (close one client, open another on the same data)
 * or several processes at once (postgres only).
 */
export interface ReopenableDb {
  kind: TestDatabaseKind;
  /**
   * A new driver and PrismaClient on the same database: a new pool for
   * postgres, the same data directory reopened for PGlite (which allows one
   * open connection at a time: close the previous one first).
   */
  connect(): Promise<DbConnection>;
  /** Closes whatever is still connected, then drops the database / deletes the directory. */
  destroy(): Promise<void>;
}

export async function openReopenableDb(kind: TestDatabaseKind): Promise<ReopenableDb> {
  let target: DatabaseTarget;
  let cleanup: () => Promise<void>;
  if (kind === "postgres") {
    const baseUrl = process.env.TEST_DATABASE_URL;
    if (!baseUrl) throw new Error("openReopenableDb('postgres') needs TEST_DATABASE_URL");
    const database = await freshPostgresDatabase(baseUrl);
    target = { kind: "postgres", url: database.url };
    cleanup = async () => {
      await waitForNoSessions(baseUrl, new URL(database.url).pathname.slice(1));
      await database.drop();
    };
  } else {
    const dataDir = freshPgliteDir();
    target = { kind: "pglite", dataDir };
    cleanup = () => rm(dataDir, { recursive: true, force: true });
  }

  const open = new Set<DbConnection>();

  async function connect(): Promise<DbConnection> {
    if (kind === "pglite" && open.size > 0) throw new Error("PGlite: close the open connection before reopening the directory");
    const driver = await createDriver(target);
    const prisma = new PrismaClient({ adapter: driver.adapter });
    let closed = false;
    const connection: DbConnection = {
      prisma,
      async close() {
        if (closed) return;
        closed = true;
        open.delete(connection);
        await prisma.$disconnect();
        await driver.close();
      },
    };
    open.add(connection);
    return connection;
  }

  try {
    const driver = await createDriver(target);
    try {
      const session = await driver.session();
      try {
        await migrate(session);
      } finally {
        await session.close();
      }
    } finally {
      await driver.close();
    }
  } catch (error) {
    await cleanup();
    throw error;
  }

  let destroyed = false;
  return {
    kind,
    connect,
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      try {
        for (const connection of [...open]) await connection.close();
      } finally {
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
