/**
 * Runs the real production server (scripts/serve.ts over an existing `next
 * build`) as a child process on a free loopback port, for tests that need
 * whole instances: several of them on one database, restarts, shutdown. The
 * benchmark starts its servers the same way: both use scripts/bench/server.ts.
 */
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { freePort, startServer } from "../../scripts/bench/server";

export { freePort };

const ROOT = path.resolve(import.meta.dirname, "..", "..");

/** The folder of the production build the server would serve ($KEYSMITH_DIST_DIR or .next), if it has one. */
export function productionBuildDir(): string | null {
  const dir = process.env.KEYSMITH_DIST_DIR?.trim() || ".next";
  return existsSync(path.join(ROOT, dir, "BUILD_ID")) ? dir : null;
}

export interface ServerProcess {
  name: string;
  url: string;
  child: ChildProcess;
  output(): string;
  /** SIGTERM (the server flushes usage counts), then SIGKILL after timeoutMs. Resolves with the exit code. */
  stop(timeoutMs?: number): Promise<number | null>;
}

export async function startServerProcess(options: {
  name: string;
  distDir: string;
  env: Record<string, string | undefined>;
  readyTimeoutMs?: number;
}): Promise<ServerProcess> {
  const server = await startServer({
    root: ROOT,
    distDir: options.distDir,
    env: options.env,
    readyTimeoutMs: options.readyTimeoutMs ?? 90_000,
    label: options.name,
  });
  return {
    name: options.name,
    url: server.url,
    child: server.child,
    output: server.output,
    stop: (timeoutMs = 15_000) => server.stop(timeoutMs),
  };
}
