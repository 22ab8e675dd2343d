import { PrismaClient } from "@/lib/generated/prisma/client";
import { databaseTarget, type DatabaseTarget } from "./connection";
import { createDriver, type Driver } from "./driver";

/**
 * One database client per process, created on first use (never at import time:
 * `next build` imports server modules while collecting page data) and cached on
 * globalThis so hot reloads in development do not open a second PGlite instance.
 */
type Cached = { driver: Driver; prisma: PrismaClient; target: DatabaseTarget };
const globalKey = Symbol.for("keysmith.db");
type GlobalWithDb = typeof globalThis & { [globalKey]?: Promise<Cached> };

async function open(): Promise<Cached> {
  const target = databaseTarget();
  const driver = await createDriver(target);
  const prisma = new PrismaClient({ adapter: driver.adapter });
  return { driver, prisma, target };
}

function cached(): Promise<Cached> {
  const g = globalThis as GlobalWithDb;
  g[globalKey] ??= open();
  return g[globalKey];
}

export async function db(): Promise<PrismaClient> {
  return (await cached()).prisma;
}

/** A dedicated SQL session (see Driver.session); the caller must close it. */
export async function sqlSession() {
  return (await cached()).driver.session();
}

export async function databaseInfo() {
  return (await cached()).target;
}
