/**
 * The app secret signs session cookies (next-auth) and, unless
 * KEYSMITH_ENCRYPTION_KEY is set, derives the key that seals stored upstream
 * keys (lib/crypto/secret-box.ts). No secret is a constant in the code:
 *
 * - NEXTAUTH_SECRET, when set, is used as is;
 * - with a PostgreSQL server (DATABASE_URL) it is required: every instance
 *   sharing the database must sign with the same secret;
 * - on the embedded database, a random 256-bit secret is made on first start
 *   and kept in the data directory (file mode 0600), so sessions survive
 *   restarts and every install has its own.
 *
 * Runs in scripts/serve.ts before Next.js starts (plain Node: no "server-only").
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { DatabaseTarget } from "@/lib/db/connection";
import { ConfigError } from "@/lib/errors";

export const SECRET_FILE = "keysmith.secret";
/** 32 random bytes as base64url. */
const GENERATED_LENGTH = 43;
const MIN_LENGTH = 32;

export type SecretSource = "environment" | "generated" | "data directory";


export function resolveAppSecret(
  target: DatabaseTarget,
  env: Record<string, string | undefined> = process.env,
): { secret: string; source: SecretSource; file?: string } {
  const configured = env.NEXTAUTH_SECRET?.trim();
  if (configured) {
    if (configured.length < MIN_LENGTH) {
      throw new ConfigError(`NEXTAUTH_SECRET is too short (${configured.length} characters): use at least ${MIN_LENGTH} random characters, e.g. \`openssl rand -base64 32\`.`);
    }
    return { secret: configured, source: "environment" };
  }
  if (target.kind === "postgres") {
    throw new ConfigError(
      "NEXTAUTH_SECRET is not set. With DATABASE_URL every instance must sign sessions with the same secret: " +
        "set NEXTAUTH_SECRET to at least 32 random characters (e.g. `openssl rand -base64 32`) on each instance.",
    );
  }
  return dataDirSecret(target.dataDir);
}

/** The data directory's secret: read it, or make it once (exclusive create, so two starters cannot both write). */
export function dataDirSecret(dataDir: string): { secret: string; source: SecretSource; file: string } {
  const file = path.join(dataDir, SECRET_FILE);
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    const fd = fs.openSync(file, "wx", 0o600);
    try {
      const secret = randomBytes(32).toString("base64url");
      fs.writeSync(fd, `${secret}\n`);
      fs.fchmodSync(fd, 0o600);
      return { secret, source: "generated", file };
    } finally {
      fs.closeSync(fd);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  // Someone widened the file's permissions: a session-signing key must stay private.
  if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
  const secret = fs.readFileSync(file, "utf8").trim();
  if (secret.length < GENERATED_LENGTH) {
    throw new ConfigError(`${file} does not hold a usable secret. Delete it to make a new one (everyone is signed out).`);
  }
  return { secret, source: "data directory", file };
}
