import type { PrismaClient } from "@/lib/generated/prisma/client";
import { needsReseal, open, seal, SealedValueError } from "@/lib/crypto/secret-box";

/**
 * Completes a key rotation: every upstream key sealed with an older key (or in
 * the key-id-less v1 format) is sealed again with the current one. Values no
 * configured key opens are left alone and reported; the gateway answers 502
 * for them until an admin enters the key again.
 */
export async function resealUpstreamKeys(prisma: PrismaClient): Promise<number> {
  const rows = await prisma.gateway.findMany({ where: { upstreamKeyEnc: { not: null } }, select: { id: true, upstreamKeyEnc: true } });
  let resealed = 0;
  for (const row of rows) {
    if (!row.upstreamKeyEnc || !needsReseal(row.upstreamKeyEnc)) continue;
    let plaintext: string;
    try {
      plaintext = open(row.upstreamKeyEnc);
    } catch (error) {
      if (!(error instanceof SealedValueError)) throw error;
      console.warn(`gateway ${row.id}: its stored upstream key cannot be opened with any configured key; an admin must enter it again.`);
      continue;
    }
    // Only if unchanged since read: a concurrent edit wins.
    const { count } = await prisma.gateway.updateMany({
      where: { id: row.id, upstreamKeyEnc: row.upstreamKeyEnc },
      data: { upstreamKeyEnc: seal(plaintext) },
    });
    resealed += count;
  }
  return resealed;
}
