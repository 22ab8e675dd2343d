/**
 * `npm run bench -- --peer`: the processes the Keysmith gateway is compared
 * with. A mock Anthropic upstream (./mock-anthropic.ts), and Portkey's
 * open-source gateway from npm, installed on first use into .bench-peer/
 * (git-ignored) and bound to 127.0.0.1 (./bind-loopback.mjs), headless.
 * Portkey routes an Anthropic call to a custom host with the headers
 * `x-portkey-provider: anthropic` and `x-portkey-custom-host: <mock>/v1`.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";

import { freePort, processCpuSeconds } from "./server";

export const PORTKEY_VERSION = "1.15.2";
export const PORTKEY_PACKAGE = `@portkey-ai/gateway@${PORTKEY_VERSION}`;

export interface PeerProcess {
  url: string;
  pid: number;
  cpuSeconds(): number;
  /** Throws if the process has exited. */
  check(scenario: string): void;
  stop(): Promise<void>;
}

function handle(name: string, url: string, child: ChildProcess, output: () => string): PeerProcess {
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    url,
    pid: child.pid!,
    cpuSeconds: () => processCpuSeconds(child.pid!),
    check(scenario) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${name} exited during the ${scenario} segment (code ${child.exitCode}); its last output:\n${output().split("\n").slice(-15).join("\n")}`);
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export async function startMockUpstream(root: string): Promise<PeerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join("scripts", "bench", "mock-anthropic.ts")], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /port (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once("exit", (code) => reject(new Error(`the mock upstream exited with ${code}:\n${out}`)));
  });
  return handle("the mock upstream", `http://127.0.0.1:${port}`, child, () => out);
}

/** Installs Portkey's gateway into <root>/.bench-peer once (npm registry), and returns its entry point. */
function installPortkey(root: string, log: (line: string) => void): string {
  const dir = path.join(root, ".bench-peer");
  const pkg = path.join(dir, "node_modules", "@portkey-ai", "gateway", "package.json");
  const installed = existsSync(pkg) ? (JSON.parse(readFileSync(pkg, "utf8")) as { version?: string }).version : undefined;
  if (installed !== PORTKEY_VERSION) {
    log(`  installing ${PORTKEY_PACKAGE} into .bench-peer/ (once) …`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ private: true, dependencies: { "@portkey-ai/gateway": PORTKEY_VERSION } }, null, 2));
    const npm = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
    if (npm.status !== 0) throw new Error(`npm install ${PORTKEY_PACKAGE} failed:\n${npm.stdout}\n${npm.stderr}`);
  }
  return path.join(dir, "node_modules", "@portkey-ai", "gateway", "build", "start-server.js");
}

export async function startPortkey(root: string, log: (line: string) => void): Promise<PeerProcess> {
  const entry = installPortkey(root, log);
  const port = await freePort();
  const loopback = path.join(root, "scripts", "bench", "bind-loopback.mjs");
  // Only --port=N is understood (not --port N, nor PORT); --headless drops its UI and log stream.
  const child = spawn(process.execPath, ["--import", loopback, entry, `--port=${port}`, "--headless"], {
    cwd: path.dirname(entry),
    env: { ...process.env, NODE_ENV: "production", HTTP_PROXY: undefined, HTTPS_PROXY: undefined, TRUSTED_CUSTOM_HOSTS: undefined },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Portkey's gateway exited with ${child.exitCode}:\n${out}`);
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`Portkey's gateway did not answer on ${url}:\n${out}`);
    }
    await delay(100);
  }
  return handle("Portkey's gateway", url, child, () => out);
}
