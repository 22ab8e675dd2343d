/**
 * Runs the real production server (scripts/serve.ts over an existing `next
 * build`) as a child process on a free loopback port, for tests that need
 * whole instances: several of them on one database, restarts, shutdown.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import net from "node:net";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
/** The e2e suite's server port: never taken here. */
const RESERVED_PORTS = [3100];

/** The folder of the production build the server would serve ($KEYSMITH_DIST_DIR or .next), if it has one. */
export function productionBuildDir(): string | null {
  const dir = process.env.KEYSMITH_DIST_DIR?.trim() || ".next";
  return existsSync(path.join(ROOT, dir, "BUILD_ID")) ? dir : null;
}

export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = net.createServer();
      srv.unref();
      srv.on("error", reject);
      srv.listen(0, "127.0.0.1", () => {
        const address = srv.address();
        const p = typeof address === "object" && address ? address.port : 0;
        srv.close(() => resolve(p));
      });
    });
    if (port && !RESERVED_PORTS.includes(port)) return port;
  }
  throw new Error("no free port");
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
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {} as NodeJS.ProcessEnv;
  for (const [k, v] of Object.entries({
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    NEXTAUTH_URL: url,
    KEYSMITH_DIST_DIR: options.distDir,
    NEXT_TELEMETRY_DISABLED: "1",
    ...options.env,
  })) {
    if (v !== undefined) env[k] = v;
  }
  const child = spawn(process.execPath, ["--import", "tsx", path.join("scripts", "serve.ts")], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${options.name} was not ready in time:\n${out}`));
    }, options.readyTimeoutMs ?? 90_000);
    const onData = () => {
      if (!out.includes("Keysmith is ready on")) return;
      clearTimeout(timer);
      child.stdout!.off("data", onData);
      resolve();
    };
    child.stdout!.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited with ${code} before it was ready:\n${out}`));
    });
  });

  let stopping: Promise<number | null> | null = null;
  return {
    name: options.name,
    url,
    child,
    output: () => out,
    stop(timeoutMs = 15_000) {
      if (stopping) return stopping;
      if (child.exitCode !== null || child.signalCode !== null) return (stopping = exited);
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      stopping = exited.finally(() => clearTimeout(timer));
      return stopping;
    },
  };
}
