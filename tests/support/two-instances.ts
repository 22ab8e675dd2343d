/**
 * Two server processes on one fresh PostgreSQL database, as behind a load
 * balancer, and the test's own client on that database. They start at once, so
 * migrations and the demo seed must serialize between them. `close()` stops
 * every server still in `servers` (a test may replace one) and drops the database.
 */
import { createDriver, type Driver } from "@/lib/db/driver";
import { PrismaClient } from "@/lib/generated/prisma/client";

import { freshPostgresDatabase } from "./databases";
import { waitForNoSessions } from "./fresh-database";
import { startServerProcess, type ServerProcess } from "./server-process";

export interface TwoInstances {
  servers: ServerProcess[];
  /** What both were started with (DATABASE_URL included): to start another like them. */
  env: Record<string, string | undefined>;
  driver: Driver;
  prisma: PrismaClient;
  close(): Promise<void>;
}

export async function startTwoInstances(baseUrl: string, distDir: string, settings: Record<string, string | undefined>): Promise<TwoInstances> {
  const database = await freshPostgresDatabase(baseUrl);
  const env = { ...settings, DATABASE_URL: database.url, KEYSMITH_DATA_DIR: undefined };
  const servers: ServerProcess[] = [];
  let driver: Driver | undefined;
  let prisma: PrismaClient | undefined;
  const close = async () => {
    await Promise.allSettled(servers.map((s) => s.stop()));
    await prisma?.$disconnect().catch(() => {});
    await driver?.close().catch(() => {});
    await waitForNoSessions(baseUrl, new URL(database.url).pathname.slice(1));
    await database.drop();
  };
  try {
    const started = await Promise.allSettled([
      startServerProcess({ name: "instance A", distDir, env }),
      startServerProcess({ name: "instance B", distDir, env }),
    ]);
    for (const s of started) if (s.status === "fulfilled") servers.push(s.value);
    const failed = started.find((s) => s.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
    driver = await createDriver({ kind: "postgres", url: database.url });
    prisma = new PrismaClient({ adapter: driver.adapter });
    return { servers, env, driver, prisma, close };
  } catch (error) {
    await close();
    throw error;
  }
}
