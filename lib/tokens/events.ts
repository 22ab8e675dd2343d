/**
 * Change notifications for tokens. A revocation, deactivation or regeneration
 * calls tokenChanged(oldHash) after its transaction commits, so anything that
 * caches verification results by hash (the hot path) can drop the entry at once.
 */
type Listener = (hash: string) => void;
const listeners = new Set<Listener>();

export function onTokenChanged(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function tokenChanged(hash: string): void {
  for (const l of listeners) l(hash);
}
