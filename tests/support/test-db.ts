import { createDriver, type Driver } from "@/lib/db/driver";
import { PrismaClient } from "@/lib/generated/prisma/client";

import type { TestDatabaseKind } from "./databases";
import { freshDatabase } from "./fresh-database";

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
  const database = await freshDatabase(kind);
  const driver = await createDriver(database.target);

  if (options.migrate !== false) {
    try {
      await database.migrate(driver);
    } catch (error) {
      await driver.close().finally(database.dispose);
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
        await database.dispose();
      }
    },
  };
}
