/**
 * The one way tokens are revoked: a single token from the console or the API,
 * a project's, a removed member's or a deleted gateway's tokens. Each call also
 * revokes every live token the revoked ones minted, transitively, in the
 * caller's transaction, with one audit entry and one `token.revoked` webhook
 * event per token saying why.
 */
import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { TokenKind } from "@/lib/generated/prisma/enums";
import { auditMany, type ChangeMeta } from "@/lib/audit/record";
import { actorData, emitEvents, tokenData } from "@/lib/webhooks/events";
import { maskToken } from "./format";
import { mintedBy } from "./lineage";

export interface RevokedToken {
  id: string;
  name: string;
  kind: TokenKind;
  masked: string;
  /** For the verification caches (published by the caller after commit). */
  hash: string;
  previousHash: string | null;
  /** Revoked because the token that minted it was (not named by the caller). */
  minted: boolean;
}

/**
 * Revokes `ids` (those still live) and everything they minted. `reason` goes into
 * each entry's metadata ("project deleted", …); tokens revoked through the cascade
 * say which token minted them. Rows are locked first, so concurrent revocations
 * of one token audit it once.
 */
export async function revokeTokens(tx: Prisma.TransactionClient, meta: ChangeMeta, ids: string[], reason?: string): Promise<RevokedToken[]> {
  if (ids.length === 0) return [];
  const named = new Set(ids);
  const all = [...new Set([...ids, ...(await mintedBy(tx, ids))])];
  const locked = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT id FROM "Token" WHERE id = ANY(${all}::text[]) AND "orgId" = ${meta.orgId} AND status <> 'REVOKED' ORDER BY id FOR UPDATE`;
  if (locked.length === 0) return [];
  const rows = await tx.token.findMany({
    where: { id: { in: locked.map((r) => r.id) } },
    select: { id: true, name: true, kind: true, prefix: true, last4: true, hash: true, previousHash: true, createdByToken: { select: { id: true, name: true } } },
  });
  await tx.token.updateMany({ where: { id: { in: rows.map((r) => r.id) } }, data: { status: "REVOKED", revokedAt: new Date() } });
  const why = (r: (typeof rows)[number]) =>
    named.has(r.id)
      ? reason ? { reason } : {}
      : { reason: "minted by a revoked token", mintedBy: r.createdByToken ? { id: r.createdByToken.id, name: r.createdByToken.name } : null };
  await auditMany(
    tx,
    rows.map((r) => ({
      ...meta,
      action: "token.revoked",
      target: { type: "token", id: r.id, label: r.name },
      metadata: { kind: r.kind, masked: maskToken(r.prefix, r.last4), ...why(r) },
    })),
  );
  await emitEvents(
    tx,
    meta.orgId,
    rows.map((r) => {
      const { reason: because = null, mintedBy = null } = why(r) as { reason?: string; mintedBy?: { id: string; name: string } | null };
      return { type: "token.revoked", data: { token: tokenData(r), reason: because, minted_by: mintedBy, actor: actorData(meta.actor) } };
    }),
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    kind: r.kind,
    masked: maskToken(r.prefix, r.last4),
    hash: r.hash,
    previousHash: r.previousHash,
    minted: !named.has(r.id),
  }));
}
