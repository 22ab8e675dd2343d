import "server-only";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { singleton } from "@/lib/singleton";
import { databaseTarget } from "./connection";
import { createDriver, type Driver } from "./driver";

/**
 * One database client per process, created on first use (never at import time:
 * `next build` imports server modules while collecting page data) and kept as a
 * process singleton so hot reloads in development do not open a second PGlite.
 * Tests point it at a fresh database by dropping the singleton (tests/support/app-db.ts).
 */
type Cached = { driver: Driver; prisma: PrismaClient };

async function open(): Promise<Cached> {
  const driver = await createDriver(databaseTarget());
  return { driver, prisma: new PrismaClient({ adapter: driver.adapter }) };
}

export async function getDb(): Promise<PrismaClient> {
  return (await singleton("db", open)).prisma;
}

/** A dedicated SQL session (see Driver.session); the caller must close it. */
export async function sqlSession() {
  return (await singleton("db", open)).driver.session();
}
