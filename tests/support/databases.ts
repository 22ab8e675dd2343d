import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import pg from "pg";

export type TestDatabaseKind = "pglite" | "postgres";

/**
 * Databases that integration tests run against: embedded PGlite always, plus a
 * PostgreSQL server when TEST_DATABASE_URL is set (CI sets it). `url` is the
 * server's base URL; use freshPostgresDatabase(url) for an isolated database.
 */
export const testDatabases: Array<{ name: TestDatabaseKind; url?: string }> = [
  { name: "pglite" },
  ...(process.env.TEST_DATABASE_URL
    ? [{ name: "postgres" as const, url: process.env.TEST_DATABASE_URL }]
    : []),
];

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates a new, empty database `keysmith_test_<random>` on the server at
 * baseUrl and returns its URL; drop() removes it (disconnecting any sessions).
 */
export async function freshPostgresDatabase(
  baseUrl: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `keysmith_test_${randomBytes(8).toString("hex")}`;
  await withClient(baseUrl, (client) => client.query(`CREATE DATABASE ${quoteIdent(name)}`));

  const url = new URL(baseUrl);
  url.pathname = `/${name}`;

  let dropped = false;
  return {
    url: url.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      await withClient(baseUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`),
      );
    },
  };
}

/**
 * A unique, not yet existing directory path under os.tmpdir() for a PGlite
 * data directory (its parent exists).
 */
export function freshPgliteDir(): string {
  return path.join(os.tmpdir(), `keysmith-test-${process.pid}-${randomBytes(8).toString("hex")}`);
}
