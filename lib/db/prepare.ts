import { PrismaClient } from "@/lib/generated/prisma/client";
import { databaseTarget, describeTarget } from "./connection";
import { createDriver } from "./driver";
import { migrate } from "./migrate";
import { seedDemo, type SeedResult } from "./seed";

/**
 * Brings the database up to date before the server takes traffic: applies
 * pending migrations, seeds the demo org once, then closes its connection so
 * the server opens its own (PGlite allows one opener per data directory).
 */
export async function prepareDatabase(): Promise<{ description: string; applied: string[]; seed: SeedResult }> {
  const target = databaseTarget();
  const driver = await createDriver(target);
  try {
    const session = await driver.session();
    let applied: string[];
    try {
      applied = await migrate(session);
    } finally {
      await session.close();
    }
    const prisma = new PrismaClient({ adapter: driver.adapter });
    try {
      const seed = await seedDemo(prisma);
      return { description: describeTarget(target), applied, seed };
    } finally {
      await prisma.$disconnect();
    }
  } finally {
    await driver.close();
  }
}
