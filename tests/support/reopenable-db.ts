import { createDriver } from "@/lib/db/driver";
import { PrismaClient } from "@/lib/generated/prisma/client";

import type { TestDatabaseKind } from "./databases";
import { freshDatabase } from "./fresh-database";

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
  const database = await freshDatabase(kind);
  const open = new Set<DbConnection>();

  async function connect(): Promise<DbConnection> {
    if (kind === "pglite" && open.size > 0) throw new Error("PGlite: close the open connection before reopening the directory");
    const driver = await createDriver(database.target);
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
    await database.migrate();
  } catch (error) {
    await database.dispose();
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
        await database.dispose();
      }
    },
  };
}
