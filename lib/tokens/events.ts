/**
 * Change notifications for tokens. A change to a token (revoke, deactivate,
 * regenerate, rules…) calls tokensChanged() after its transaction commits, so
 * the verification cache drops the token's entries at once, and those of every
 * token it minted (their verification reads the minting chain); changes made by
 * other processes arrive the same way through the change feed (./change-feed.ts),
 * which also reports org-wide changes (orgChanged). Listeners live on globalThis:
 * Next may load this module more than once in one process (one copy per
 * bundle), and a change made through any of them must reach the one cache.
 */
import { singleton } from "@/lib/singleton";
export type TokenChangeEvent = { hash: string | null; tokenId: string | null } | { orgId: string };
type Listener = (change: TokenChangeEvent) => void;
const listeners = singleton("token-listeners", () => new Set<Listener>());
type AddedListener = (hash: string | null) => void;
const addedListeners = singleton("token-added-listeners", () => new Set<AddedListener>());

export function onTokenChanged(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** One secret of a token, or the token itself (by id), changed. */
export function tokenChanged(change: { hash?: string | null; tokenId?: string | null }): void {
  if (!change.hash && !change.tokenId) return;
  for (const l of listeners) l({ hash: change.hash ?? null, tokenId: change.tokenId ?? null });
}

/** Something every token of the org depends on changed (a membership, the org's slug, a member's name). */
export function orgChanged(orgId: string): void {
  for (const l of listeners) l({ orgId });
}

/** Tokens that changed: both secrets each may have (the current one, and the previous during an overlap). */
export function tokensChanged(rows: Array<{ id: string; hash: string; previousHash?: string | null }>): void {
  for (const r of rows) {
    tokenChanged({ hash: r.hash, tokenId: r.id });
    tokenChanged({ hash: r.previousHash });
  }
}

export function onTokenAdded(listener: AddedListener): () => void {
  addedListeners.add(listener);
  return () => addedListeners.delete(listener);
}

/** A new secret may authenticate from now on (a token made, or regenerated); null: many at once, in bulk. */
export function tokenAdded(hash: string | null): void {
  for (const l of addedListeners) l(hash);
}
