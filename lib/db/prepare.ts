import { PrismaClient } from "@/lib/generated/prisma/client";
import { resealUpstreamKeys } from "@/lib/gateways/reseal";
import { resealWebhookSecrets } from "@/lib/webhooks/reseal";
import { databaseTarget, describeTarget } from "./connection";
import { createDriver } from "./driver";
import { migrate } from "./migrate";
import { passwordFile, seedDemo, type SeedResult } from "./seed";

/**
 * Brings the database up to date before the server takes traffic: applies
 * pending migrations, seeds the demo org once, seals stored upstream keys and webhook secrets
 * again under the current key (after a key rotation), then closes its
 * connection so the server opens its own (PGlite allows one opener per data directory).
 */
export async function prepareDatabase(): Promise<{ description: string; applied: string[]; seed: SeedResult; resealed: number }> {
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
      const seed = await seedDemo(prisma, process.env, target.kind === "pglite" ? passwordFile(target.dataDir) : undefined);
      const resealed = (await resealUpstreamKeys(prisma)) + (await resealWebhookSecrets(prisma));
      return { description: describeTarget(target), applied, seed, resealed };
    } finally {
      await prisma.$disconnect();
    }
  } finally {
    await driver.close();
  }
}
