/**
 * Change notifications for tokens. A revocation, deactivation, regeneration or
 * membership change calls tokenChanged(hash) after its transaction commits, so
 * the verification cache drops the entry at once; changes made by other
 * processes arrive the same way through the change feed (./change-feed.ts),
 * which also reports org-wide changes (orgChanged). Listeners live on globalThis:
 * Next may load this module more than once in one process (one copy per
 * bundle), and a change made through any of them must reach the one cache.
 */
type Listener = (change: { hash: string } | { orgId: string }) => void;
const key = Symbol.for("keysmith.token-listeners");
const g = globalThis as typeof globalThis & { [key]?: Set<Listener> };
const listeners: Set<Listener> = (g[key] ??= new Set());

export function onTokenChanged(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function tokenChanged(hash: string | null | undefined): void {
  if (!hash) return;
  for (const l of listeners) l({ hash });
}

/** Something every token of the org depends on changed (a membership, the org's slug, a member's name). */
export function orgChanged(orgId: string): void {
  for (const l of listeners) l({ orgId });
}

/** Both secrets a token may have (the current one, and the previous during an overlap). */
export function tokensChanged(rows: Array<{ hash: string; previousHash?: string | null }>): void {
  for (const r of rows) {
    tokenChanged(r.hash);
    tokenChanged(r.previousHash);
  }
}
