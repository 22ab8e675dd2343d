import path from "node:path";
import { fileURLToPath } from "node:url";

/** The admin of the demo org `acme`, seeded by scripts/e2e-server.mjs's env. */
export const ADMIN = { email: "admin@acme.test", password: "admin-password-123" } as const;

/** E2E_PORT moves it (two checkouts testing side by side); 3100 by default. */
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const BASE_URL = `http://127.0.0.1:${E2E_PORT}`;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Everything the e2e server (build and `next start`) printed; grep it for leaked secrets. */
export const SERVER_LOG_PATH = path.join(repoRoot, "test-results", "e2e-server.log");
