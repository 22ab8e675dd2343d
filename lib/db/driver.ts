import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { ensureDataDir, type DatabaseTarget, type SqlConnection } from "./connection";

/** A Prisma driver adapter plus plain SQL sessions over the same database. */
export interface Driver {
  adapter: SqlMigrationAwareDriverAdapterFactory;
  /**
   * One connection held for the caller's exclusive use until `close()`:
   * transactions and session-level advisory locks need that.
   */
  session(): Promise<SqlConnection>;
  close(): Promise<void>;
}

export async function createDriver(target: DatabaseTarget): Promise<Driver> {
  if (target.kind === "postgres") {
    const [{ default: pg }, { PrismaPg }] = await Promise.all([import("pg"), import("@prisma/adapter-pg")]);
    const pool = new pg.Pool({ connectionString: target.url, max: Number(process.env.KEYSMITH_DB_POOL ?? 10) });
    return {
      adapter: new PrismaPg(pool),
      session: async () => {
        const client = await pool.connect();
        return {
          exec: async (text) => {
            await client.query(text);
          },
          query: async <R extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
            (await client.query(text, params)).rows as R[],
          close: async () => client.release(),
        };
      },
      close: () => pool.end(),
    };
  }
  const [{ PGlite }, { PrismaPGlite }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("pglite-prisma-adapter"),
  ]);
  ensureDataDir(target.dataDir);
  const pglite = await PGlite.create(target.dataDir);
  // PGlite is a single connection: a "session" is that connection, and closing it is a no-op.
  const session: SqlConnection = {
    exec: async (text) => {
      await pglite.exec(text);
    },
    query: async <R extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
      (await pglite.query<R>(text, params)).rows,
    close: async () => {},
  };
  return {
    adapter: new PrismaPGlite(pglite),
    session: async () => session,
    close: () => pglite.close(),
  };
}
