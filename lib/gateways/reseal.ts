import type { PrismaClient } from "@/lib/generated/prisma/client";
import { resealValues } from "@/lib/crypto/reseal";

/**
 * Seals every gateway's upstream key again with the current key after a
 * rotation. A key no configured key opens is left alone; the gateway answers
 * 502 for it until an admin enters the key again.
 */
export async function resealUpstreamKeys(prisma: PrismaClient): Promise<number> {
  const rows = await prisma.gateway.findMany({ where: { upstreamKeyEnc: { not: null } }, select: { id: true, upstreamKeyEnc: true } });
  return resealValues(
    rows.map((r) => ({ id: r.id, sealed: r.upstreamKeyEnc! })),
    async (row, fresh) => (await prisma.gateway.updateMany({ where: { id: row.id, upstreamKeyEnc: row.sealed }, data: { upstreamKeyEnc: fresh } })).count,
    (id) => `gateway ${id}: its stored upstream key cannot be opened with any configured key; an admin must enter it again.`,
  );
}
