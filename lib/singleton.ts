/**
 * One value per process, whatever the bundling: Next may load a module more than
 * once (one copy per bundle, and again on every hot reload), and state such as
 * the database client, the verification cache or the usage tally must exist once.
 * The value lives on globalThis under `Symbol.for("keysmith.<name>")`.
 */
export function singleton<T>(name: string, init: () => T): T {
  const key = Symbol.for(`keysmith.${name}`);
  const g = globalThis as unknown as Record<symbol, T | undefined>;
  return (g[key] ??= init());
}
