import path from "node:path";
import { mkdirSync } from "node:fs";

/**
 * Where the data lives: a PostgreSQL server when DATABASE_URL is set, otherwise
 * the embedded PostgreSQL (PGlite) in KEYSMITH_DATA_DIR (default `.data/`).
 */
export type DatabaseTarget =
  | { kind: "postgres"; url: string }
  | { kind: "pglite"; dataDir: string };

export function databaseTarget(env: Record<string, string | undefined> = process.env): DatabaseTarget {
  const url = env.DATABASE_URL?.trim();
  if (url) return { kind: "postgres", url };
  // turbopackIgnore: a runtime path, not a file the build should trace.
  const dataDir = path.resolve(/* turbopackIgnore: true */ process.cwd(), env.KEYSMITH_DATA_DIR?.trim() || ".data");
  return { kind: "pglite", dataDir };
}

/** Minimal SQL surface the migration runner and maintenance code need, on either database. */
export interface SqlConnection {
  /** Runs one or more statements without parameters. */
  exec(sql: string): Promise<void>;
  query<R extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

export function describeTarget(target: DatabaseTarget): string {
  if (target.kind === "pglite") return `embedded PostgreSQL (PGlite) in ${target.dataDir}`;
  const u = new URL(target.url);
  return `PostgreSQL at ${u.hostname}:${u.port || 5432}${u.pathname}`;
}

export function ensureDataDir(dataDir: string) {
  // PGlite needs the parent folder to exist.
  mkdirSync(path.dirname(dataDir), { recursive: true });
}
