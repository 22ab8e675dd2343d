import type { PrismaClient } from "@/lib/generated/prisma/client";
import { resealValues } from "@/lib/crypto/reseal";

/**
 * Seals every webhook signing secret (and a rotation's previous one) again with
 * the current key after a key rotation. A secret no configured key opens is
 * left alone: its deliveries fail until an admin rotates it.
 */
export async function resealWebhookSecrets(prisma: PrismaClient): Promise<number> {
  const rows = await prisma.webhookEndpoint.findMany({ select: { id: true, secretEnc: true, previousSecretEnc: true } });
  const current = await resealValues(
    rows.map((r) => ({ id: r.id, sealed: r.secretEnc })),
    async (row, fresh) => (await prisma.webhookEndpoint.updateMany({ where: { id: row.id, secretEnc: row.sealed }, data: { secretEnc: fresh } })).count,
    (id) => `webhook endpoint ${id}: its signing secret cannot be opened with any configured key; an admin must rotate it.`,
  );
  const previous = await resealValues(
    rows.filter((r) => r.previousSecretEnc).map((r) => ({ id: r.id, sealed: r.previousSecretEnc! })),
    async (row, fresh) =>
      (await prisma.webhookEndpoint.updateMany({ where: { id: row.id, previousSecretEnc: row.sealed }, data: { previousSecretEnc: fresh } })).count,
    (id) => `webhook endpoint ${id}: its previous signing secret cannot be opened; it stops signing.`,
  );
  return current + previous;
}
