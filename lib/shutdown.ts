/**
 * Work to finish before the process exits (flushing usage tallies). Kept on
 * globalThis so hooks registered inside Next's bundles are run by our server
 * (scripts/serve.ts) on SIGTERM/SIGINT.
 */
type Hook = () => Promise<void>;
const key = Symbol.for("keysmith.shutdown-hooks");
const g = globalThis as typeof globalThis & { [key]?: Map<string, Hook> };

export function onShutdown(name: string, hook: Hook): void {
  (g[key] ??= new Map()).set(name, hook);
}

export async function runShutdownHooks(): Promise<void> {
  const hooks = [...(g[key]?.values() ?? [])];
  await Promise.allSettled(hooks.map((h) => h()));
}
