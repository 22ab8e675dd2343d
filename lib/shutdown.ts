/**
 * Work to finish before the process exits (flushing usage tallies). Kept on
 * globalThis so hooks registered inside Next's bundles are run by our server
 * (scripts/serve.ts) on SIGTERM/SIGINT.
 */
import { singleton } from "@/lib/singleton";

type Hook = () => Promise<void>;
const hooks = singleton("shutdown-hooks", () => new Map<string, Hook>());

export function onShutdown(name: string, hook: Hook): void {
  hooks.set(name, hook);
}

export async function runShutdownHooks(): Promise<void> {
  await Promise.allSettled([...hooks.values()].map((h) => h()));
}
