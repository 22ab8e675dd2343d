// Starts Keysmith for the Playwright end-to-end tests (playwright.config.ts
// webServer): builds (unless E2E_SKIP_BUILD=1), gives it a fresh PGlite data dir
// (unless DATABASE_URL is set), then runs Keysmith's server (scripts/serve.ts) on 127.0.0.1:$E2E_PORT (3100).
// Everything the build and the server print is passed through and also written
// to test-results/e2e-server.log, which tests grep for leaked secrets.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PORT = process.env.E2E_PORT ?? "3100";
const HOST = "127.0.0.1";
const logPath = path.join(root, "test-results", "e2e-server.log");

fs.mkdirSync(path.dirname(logPath), { recursive: true });
// Synchronous writes: the log is complete on disk at every moment, even if the
// process group is killed with SIGKILL.
const logFd = fs.openSync(logPath, "w");

function log(line) {
  const text = `[e2e-server] ${line}\n`;
  process.stdout.write(text);
  fs.writeSync(logFd, text);
}

const env = {
  ...process.env,
  PORT,
  HOST,
  // Tests of people arriving from different addresses send X-Forwarded-For (e2e/support/flows.ts newVisitor).
  KEYSMITH_TRUSTED_PROXY_HOPS: "1",
  KEYSMITH_ADMIN_EMAIL: "admin@acme.test",
  KEYSMITH_ADMIN_PASSWORD: "admin-password-123",
  NEXTAUTH_URL: `http://${HOST}:${PORT}`,
  NEXT_TELEMETRY_DISABLED: "1",
  // Background jobs (expiry reminders, retention) every second, so a test sees a reminder without waiting a minute.
  KEYSMITH_JOBS_EVERY_MS: "1000",
  // The webhook e2e tests run their receiver on this machine: opted in as a self-hoster would.
  KEYSMITH_UPSTREAM_ALLOW_HOSTS: "127.0.0.1/32",
  // Plain text in the log: an ANSI colour code must never split a secret that a test greps for.
  FORCE_COLOR: "0",
  NO_COLOR: "1",
};

if (process.env.DATABASE_URL) {
  log("using DATABASE_URL (PostgreSQL server)");
  // A server database needs a configured secret; a random one per run is all a test needs.
  env.NEXTAUTH_SECRET ??= randomBytes(32).toString("base64url");
} else {
  // The embedded default, as `npm start` runs it: the server makes its own secret in the data dir.
  delete env.NEXTAUTH_SECRET;
  // One directory per port: two checkouts testing side by side (E2E_PORT) must not share a database.
  const dataDir = path.join(os.tmpdir(), `keysmith-e2e-${PORT}`);
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  env.KEYSMITH_DATA_DIR = dataDir;
  log(`fresh PGlite data dir: ${dataDir}`);
}

let child = null;
let stopping = false;

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    stopping = true;
    if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
    else process.exit(128 + os.constants.signals[signal]);
  });
}

/** Runs a command, teeing its output to our stdout/stderr and the log. */
function run(command, args) {
  log(`$ ${command} ${args.join(" ")}`);
  return new Promise((resolve) => {
    child = spawn(command, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (chunk) => {
      process.stdout.write(chunk);
      fs.writeSync(logFd, chunk);
    });
    child.stderr.on("data", (chunk) => {
      process.stderr.write(chunk);
      fs.writeSync(logFd, chunk);
    });
    child.on("error", (error) => {
      log(`failed to start ${command}: ${error.message}`);
      resolve(1);
    });
    child.on("close", (code, signal) => {
      child = null;
      resolve(code ?? 128 + (signal ? os.constants.signals[signal] : 1));
    });
  });
}

if (process.env.E2E_SKIP_BUILD === "1") {
  log("E2E_SKIP_BUILD=1: using the existing build");
} else {
  const code = await run("npx", ["next", "build"]);
  if (code !== 0 || stopping) {
    log(`next build exited with code ${code}`);
    process.exit(code || 1);
  }
}

const code = await run("npx", ["tsx", "scripts/serve.ts"]);
log(`server exited with code ${code}`);
process.exit(code);
