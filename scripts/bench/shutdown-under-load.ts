/**
 * Does a SIGTERM under load lose usage counts? Starts the production server
 * (build in $KEYSMITH_DIST_DIR, default .next-bench) on a fresh database
 * (PostgreSQL when DATABASE_URL / TEST_DATABASE_URL is set, else PGlite),
 * sends GET /api/v1/app/me with 64 connections over the 1,000 hot tokens,
 * SIGTERMs the server after 3 s while the load goes on, then compares the
 * hot tokens' summed usage with the 2xx responses the client received
 * (every answered call must have been counted: database ≥ received).
 *
 *   npx tsx scripts/bench/shutdown-under-load.ts
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { createBenchDatabase, hotUsage, seedBenchDatabase, serverBaseUrl } from "./database";
import { LoadGenerator } from "./load";
import { startServer } from "./server";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

async function main() {
  const distDir = process.env.KEYSMITH_DIST_DIR?.trim() || ".next-bench";
  const database = await createBenchDatabase(serverBaseUrl());
  const dir = mkdtempSync(path.join(os.tmpdir(), "keysmith-shutdown-"));
  try {
    const admin = { email: "admin@keysmith.local", password: "shutdown-under-load" };
    const seed = await seedBenchDatabase(database, 2_000, admin, () => {});
    const tokenFile = path.join(dir, "hot-tokens.json");
    writeFileSync(tokenFile, JSON.stringify(seed.tokens), { mode: 0o600 });
    const server = await startServer({
      root: ROOT,
      distDir,
      env: { ...database.serverEnv, NEXTAUTH_SECRET: randomBytes(32).toString("base64url"), KEYSMITH_ADMIN_EMAIL: admin.email, KEYSMITH_ADMIN_PASSWORD: admin.password },
    });
    const load = new LoadGenerator(ROOT);
    const running = load.run({ scenario: "me", url: server.url, connections: 64, durationSec: 6, tokenFile, orgSlug: "acme", gatewayModel: "", hotTokens: 1_000 });
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const t0 = Date.now();
    const code = await server.stop(30_000);
    const stopMs = Date.now() - t0;
    const result = await running;
    await load.close();
    const received = Object.entries(result.status).reduce((a, [c, n]) => (Number(c) >= 200 && Number(c) < 300 ? a + n : a), 0);
    const usage = await hotUsage(database);
    const lost = received - usage.workspaceCount;
    console.log(`server: ${database.kind}, SIGTERM under load, exited ${code} after ${stopMs} ms`);
    console.log(`received_2xx: ${received}`);
    console.log(`usage_counted: ${usage.workspaceCount}`);
    console.log(`usage_days_counted: ${usage.workspaceDays}`);
    console.log(`usage_lost: ${Math.max(0, lost)}`);
    if (lost > 0) {
      console.log(`FAIL: ${lost} answered call(s) were never counted (answered after the shutdown flush, then the process exited)`);
      process.exitCode = 1;
    } else console.log("pass: every answered call was counted");
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
