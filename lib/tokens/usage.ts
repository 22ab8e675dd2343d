import type { PrismaClient } from "@/lib/generated/prisma/client";

/**
 * Counts one successful call. A single additive UPDATE (never read-modify-write),
 * so concurrent calls on any number of instances never lose an increment.
 */
export async function recordUsage(db: PrismaClient, tokenId: string, ip: string | null): Promise<void> {
  await db.$executeRaw`
    UPDATE "Token" SET "usageCount" = "usageCount" + 1, "lastUsedAt" = now(), "lastUsedIp" = ${ip}
    WHERE id = ${tokenId}`;
}
