/**
 * Change notifications for tokens. A revocation, deactivation, regeneration or
 * membership change calls tokenChanged(hash) after its transaction commits, so
 * the verification cache drops the entry at once. Listeners live on globalThis:
 * Next may load this module more than once in one process (one copy per
 * bundle), and a change made through any of them must reach the one cache.
 */
type Listener = (hash: string) => void;
const key = Symbol.for("keysmith.token-listeners");
const g = globalThis as typeof globalThis & { [key]?: Set<Listener> };
const listeners: Set<Listener> = (g[key] ??= new Set());

export function onTokenChanged(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function tokenChanged(hash: string | null | undefined): void {
  if (!hash) return;
  for (const l of listeners) l(hash);
}

/** Both secrets a token may have (the current one, and the previous during an overlap). */
export function tokensChanged(rows: Array<{ hash: string; previousHash?: string | null }>): void {
  for (const r of rows) {
    tokenChanged(r.hash);
    tokenChanged(r.previousHash);
  }
}
