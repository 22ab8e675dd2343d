/**
 * Starts scripts/serve.ts (production mode) as a child process on a free
 * loopback port and stops it with SIGTERM, which makes it flush usage counts.
 * The child is plain `node --import tsx` (no tsx CLI wrapper), so its pid is
 * the server's own and its CPU time can be read from /proc.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";

/** A port the OS says is free on 127.0.0.1; never 3100 (the e2e server's). */
export async function freePort(avoid: number[] = [3100]): Promise<number> {
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
    if (port && !avoid.includes(port)) return port;
  }
  throw new Error("could not find a free port");
}

export interface ServerHandle {
  url: string;
  port: number;
  pid: number;
  child: ChildProcess;
  /** Everything the server printed so far. */
  output(): string;
  /** User + system CPU seconds the server process has used (Linux /proc). */
  cpuSeconds(): number;
  /** SIGTERM, then wait for the exit (SIGKILL after `timeoutMs`). Resolves with the exit code. */
  stop(timeoutMs?: number): Promise<number | null>;
}

const CLK_TCK = 100;

export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return Number.NaN;
  }
}

export async function startServer(options: {
  root: string;
  distDir: string;
  env: Record<string, string | undefined>;
  port?: number;
  readyTimeoutMs?: number;
  label?: string;
}): Promise<ServerHandle> {
  const port = options.port ?? (await freePort());
  if (port === 3100) throw new Error("port 3100 belongs to the e2e server");
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
  // BENCH_SERVER_NODE_ARGS: extra Node flags for the server only, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const extra = process.env.BENCH_SERVER_NODE_ARGS?.trim().split(/\s+/).filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...extra, "--import", "tsx", path.join("scripts", "serve.ts")], {
    cwd: options.root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${options.label ?? "server"} did not become ready in time:\n${out}`));
    }, options.readyTimeoutMs ?? 180_000);
    const onData = () => {
      if (out.includes("Keysmith is ready on")) {
        clearTimeout(timer);
        child.stdout!.off("data", onData);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${options.label ?? "server"} exited with ${code} before it was ready:\n${out}`));
    });
  });

  let stopping: Promise<number | null> | null = null;
  return {
    url,
    port,
    pid: child.pid!,
    child,
    output: () => out,
    cpuSeconds: () => processCpuSeconds(child.pid!),
    stop(timeoutMs = 30_000) {
      if (stopping) return stopping;
      if (child.exitCode !== null || child.signalCode !== null) return (stopping = exited);
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      stopping = exited.finally(() => clearTimeout(timer));
      return stopping;
    },
  };
}
