/**
 * The benchmark's database: a fresh PostgreSQL database on the server that
 * DATABASE_URL / TEST_DATABASE_URL names, or a PGlite directory under the
 * system temp folder. Seeding writes straight into "Token" with multi-row
 * INSERTs of precomputed SHA-256 hashes, before the server starts (PGlite
 * allows one process at a time).
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";

import type { DatabaseTarget, SqlConnection } from "@/lib/db/connection";
import { createDriver, type Driver } from "@/lib/db/driver";
import { migrate } from "@/lib/db/migrate";
import { DEMO_ORG, seedDemo } from "@/lib/db/seed";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { displayParts, generateToken, hashToken } from "@/lib/tokens/format";

export const HOT_TOKENS = 1_000;
export const ACME_WORKSPACE_TOKENS = 10_000;
export const GATEWAY_SLUG = "bench-echo";
export const GATEWAY_MODEL = "keysmith-echo-1";
export const HOT_WORKSPACE_PREFIX = "bench-hot-w-";
export const HOT_GATEWAY_PREFIX = "bench-hot-g-";
/** Filler tokens that are not in acme go to this many other orgs. */
const OTHER_ORGS = 100;
const ROWS_PER_INSERT = 5_000;

export interface BenchDatabase {
  kind: "postgres" | "pglite";
  /** What the server needs in its environment to open this database. */
  serverEnv: Record<string, string | undefined>;
  description: string;
  target: DatabaseTarget;
  /** Deletes the database (drops it, or removes the PGlite directory). */
  drop(): Promise<void>;
}

export interface HotTokens {
  workspace: string[];
  gateway: string[];
  /** With `rules`: as many more of each kind, carrying guard rails. */
  workspaceRules: string[];
  gatewayRules: string[];
  /** With `mockUpstream`: as many more gateway tokens, on the gateway whose upstream is the mock. */
  mockGateway: string[];
}

/** --peer: a gateway of type ANTHROPIC in front of the mock upstream, its key sealed for the server. */
export interface MockUpstreamGateway {
  baseUrl: string;
  sealedKey: string;
}

export interface SeedSummary {
  total: number;
  acmeWorkspace: number;
  otherOrgs: number;
  seconds: number;
  tokens: HotTokens;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function serverBaseUrl(env: NodeJS.ProcessEnv = process.env): string | null {
  return env.DATABASE_URL?.trim() || env.TEST_DATABASE_URL?.trim() || null;
}

export async function createBenchDatabase(baseUrl: string | null): Promise<BenchDatabase> {
  if (baseUrl) {
    const name = `keysmith_bench_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: baseUrl });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
    } finally {
      await admin.end();
    }
    const url = new URL(baseUrl);
    url.pathname = `/${name}`;
    return {
      kind: "postgres",
      serverEnv: { DATABASE_URL: url.toString(), KEYSMITH_DATA_DIR: undefined },
      description: `PostgreSQL database ${name} at ${url.hostname}:${url.port || 5432}`,
      target: { kind: "postgres", url: url.toString() },
      async drop() {
        const c = new pg.Client({ connectionString: baseUrl });
        await c.connect();
        try {
          await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
        } finally {
          await c.end();
        }
      },
    };
  }
  const parent = await mkdtemp(path.join(os.tmpdir(), "keysmith-bench-"));
  const dataDir = path.join(parent, "pglite");
  return {
    kind: "pglite",
    serverEnv: { DATABASE_URL: undefined, KEYSMITH_DATA_DIR: dataDir },
    description: `embedded PGlite in ${dataDir}`,
    target: { kind: "pglite", dataDir },
    drop: () => rm(parent, { recursive: true, force: true }),
  };
}

/** Opens the database for the bench process itself (never while a PGlite server is running). */
export async function withDriver<T>(database: BenchDatabase, fn: (driver: Driver, session: SqlConnection) => Promise<T>): Promise<T> {
  const driver = await createDriver(database.target);
  try {
    const session = await driver.session();
    try {
      return await fn(driver, session);
    } finally {
      await session.close();
    }
  } finally {
    await driver.close();
  }
}

function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").replace("Z", "");
}

interface Row {
  id: string;
  orgId: string;
  kind: "WORKSPACE" | "GATEWAY";
  name: string;
  hash: string;
  prefix: string;
  last4: string;
  permissions: string;
  gatewayId: string | null;
  createdById: string | null;
  createdAt: number;
  /** Guard rails, as SQL literals (defaults: none). */
  rules?: { ipAllowlist: string; rateLimitPerMinute: number; allowedModels: string; monthlyTokenBudget: number | null };
}

function rowSql(r: Row, now: string): string {
  return `(${sqlString(r.id)},${sqlString(r.orgId)},'${r.kind}',${sqlString(r.name)},'${r.hash}',${sqlString(r.prefix)},${sqlString(r.last4)},'${r.permissions}',${
    r.gatewayId ? sqlString(r.gatewayId) : "NULL"
  },${r.createdById ? sqlString(r.createdById) : "NULL"},'${timestamp(r.createdAt)}','${now}',${
    r.rules ? `'${r.rules.ipAllowlist}',${r.rules.rateLimitPerMinute},'${r.rules.allowedModels}',${r.rules.monthlyTokenBudget ?? "NULL"}` : "'{}',NULL,'{}',NULL"
  })`;
}

const INSERT_HEAD = `INSERT INTO "Token" (id, "orgId", kind, name, hash, prefix, last4, permissions, "gatewayId", "createdById", "createdAt", "updatedAt", "ipAllowlist", "rateLimitPerMinute", "allowedModels", "monthlyTokenBudget") VALUES `;

/**
 * Applies migrations, seeds the demo org (admin with the given credentials),
 * then `total` tokens: 1,000 hot workspace tokens and 9,000 more in acme, 1,000
 * hot gateway tokens on an echo gateway in acme, the rest spread over other
 * orgs. Returns the hot tokens' secrets.
 */
export async function seedBenchDatabase(
  database: BenchDatabase,
  total: number,
  admin: { email: string; password: string },
  log: (line: string) => void,
  options: { rules?: boolean; mockUpstream?: MockUpstreamGateway } = {},
): Promise<SeedSummary> {
  const started = Date.now();
  return withDriver(database, async (driver, session) => {
    await migrate(session);
    const prisma = new PrismaClient({ adapter: driver.adapter });
    try {
      await seedDemo(prisma, { KEYSMITH_ADMIN_EMAIL: admin.email, KEYSMITH_ADMIN_PASSWORD: admin.password });
    } finally {
      await prisma.$disconnect();
    }
    if (database.kind === "postgres") await session.exec("SET synchronous_commit = off");

    const [acme] = await session.query<{ id: string }>(`SELECT id FROM "Organization" WHERE slug = $1`, [DEMO_ORG.slug]);
    const [user] = await session.query<{ id: string }>(`SELECT id FROM "User" WHERE email = $1`, [admin.email.toLowerCase()]);
    const gatewayId = `benchgw${randomBytes(6).toString("hex")}`;
    await session.query(
      `INSERT INTO "Gateway" (id, "orgId", name, slug, "upstreamType", models, "updatedAt") VALUES ($1, $2, 'Bench echo', $3, 'ECHO', $4, now())`,
      [gatewayId, acme.id, GATEWAY_SLUG, [GATEWAY_MODEL]],
    );
    const mockGatewayId = `benchmock${randomBytes(6).toString("hex")}`;
    if (options.mockUpstream) {
      await session.query(
        `INSERT INTO "Gateway" (id, "orgId", name, slug, "upstreamType", "upstreamBaseUrl", "upstreamKeyEnc", models, "updatedAt") VALUES ($1, $2, 'Bench mock Anthropic', 'bench-mock', 'ANTHROPIC', $3, $4, $5, now())`,
        [mockGatewayId, acme.id, options.mockUpstream.baseUrl, options.mockUpstream.sealedKey, [GATEWAY_MODEL]],
      );
    }
    // 1,000 hot workspace + 1,000 hot gateway tokens (twice that with rules), acme filled up
    // to 10,000 workspace tokens, the rest elsewhere.
    const hotWorkspace = HOT_TOKENS * (options.rules ? 2 : 1);
    const hotTotal = 2 * hotWorkspace + (options.mockUpstream ? HOT_TOKENS : 0);
    const acmeFiller = Math.max(0, Math.min(ACME_WORKSPACE_TOKENS - hotWorkspace, total - hotTotal));
    const others = Math.max(0, total - hotTotal - acmeFiller);
    const orgCount = others > 0 ? OTHER_ORGS : 0;
    const orgIds: string[] = [];
    if (orgCount > 0) {
      const values: string[] = [];
      for (let i = 0; i < orgCount; i++) {
        const id = `benchorg${String(i).padStart(3, "0")}`;
        orgIds.push(id);
        values.push(`('${id}', 'bench-org-${i}', 'Bench org ${i}')`);
      }
      await session.exec(`INSERT INTO "Organization" (id, slug, name) VALUES ${values.join(",")}`);
    }

    const now = Date.now();
    const nowSql = timestamp(now);
    const salt = randomBytes(8).toString("hex");
    const tokens: HotTokens = { workspace: [], gateway: [], workspaceRules: [], gatewayRules: [], mockGateway: [] };
    let written = 0;
    let batch: string[] = [];
    let lastLog = Date.now();
    const flush = async () => {
      if (batch.length === 0) return;
      await session.exec(INSERT_HEAD + batch.join(","));
      written += batch.length;
      batch = [];
      if (Date.now() - lastLog > 5_000) {
        lastLog = Date.now();
        log(`  … ${written.toLocaleString("en-US")} / ${total.toLocaleString("en-US")} tokens`);
      }
    };
    const push = async (row: Row) => {
      batch.push(rowSql(row, nowSql));
      if (batch.length >= ROWS_PER_INSERT) await flush();
    };
    // One guard rail of each kind, none of which refuses the load: the loopback ranges, a rate
    // limit far above it, and for gateway tokens the bench model and a budget no run reaches.
    const ruled = (workspace: boolean) => ({
      ipAllowlist: "{127.0.0.0/8,::1/128}",
      rateLimitPerMinute: 100_000_000,
      allowedModels: workspace ? "{}" : `{${GATEWAY_MODEL}}`,
      monthlyTokenBudget: workspace ? null : 2_000_000_000,
    });
    const hot = (kind: "WORKSPACE" | "GATEWAY", i: number, withRules = false, onMock = false): Row => {
      const secret = generateToken(kind);
      const workspace = kind === "WORKSPACE";
      const list = onMock ? tokens.mockGateway : withRules ? (workspace ? tokens.workspaceRules : tokens.gatewayRules) : workspace ? tokens.workspace : tokens.gateway;
      list.push(secret);
      const { prefix, last4 } = displayParts(secret);
      const tag = onMock ? "m" : withRules ? "r" : "";
      return {
        id: `bh${workspace ? "w" : "g"}${tag}${salt}${i.toString(36).padStart(4, "0")}`,
        orgId: acme.id,
        kind,
        // The usage check finds hot tokens by these name prefixes, with or without rules.
        name: `${workspace ? HOT_WORKSPACE_PREFIX : HOT_GATEWAY_PREFIX}${tag}${String(i).padStart(4, "0")}`,
        rules: withRules ? ruled(workspace) : undefined,
        hash: hashToken(secret),
        prefix,
        last4,
        permissions: workspace ? "{projects:read,tokens:read}" : "{}",
        gatewayId: workspace ? null : onMock ? mockGatewayId : gatewayId,
        createdById: user.id,
        // Newest first on the console's list: the hot ones sit on the first pages.
        createdAt: now - (withRules || onMock ? HOT_TOKENS + i : i) * 1_000,
      };
    };
    // Filler: a precomputed SHA-256 of a secret nobody holds; shaped like a workspace token for display.
    const filler = (i: number, orgId: string, createdById: string | null): Row => {
      const hash = createHash("sha256").update(`bench-filler:${salt}:${i}`).digest("hex");
      return {
        id: `bf${salt}${i.toString(36).padStart(5, "0")}`,
        orgId,
        kind: "WORKSPACE",
        name: `bench-w-${i}`,
        hash,
        prefix: `ksw_${hash.slice(0, 4)}`,
        last4: hash.slice(-4),
        permissions: "{projects:read}",
        gatewayId: null,
        createdById,
        createdAt: now - (hotTotal + i) * 1_000,
      };
    };

    for (let i = 0; i < HOT_TOKENS; i++) await push(hot("WORKSPACE", i));
    for (let i = 0; i < HOT_TOKENS; i++) await push(hot("GATEWAY", i));
    if (options.rules) {
      for (let i = 0; i < HOT_TOKENS; i++) await push(hot("WORKSPACE", i, true));
      for (let i = 0; i < HOT_TOKENS; i++) await push(hot("GATEWAY", i, true));
      log("guard rails on 1,000 more hot tokens of each kind: IP allowlist, rate limit; gateway tokens also a model allowlist and a budget");
    }
    if (options.mockUpstream) for (let i = 0; i < HOT_TOKENS; i++) await push(hot("GATEWAY", i, false, true));
    for (let i = 0; i < acmeFiller; i++) await push(filler(i, acme.id, user.id));
    for (let i = 0; i < others; i++) {
      await push(filler(ACME_WORKSPACE_TOKENS + i, orgIds[i % orgIds.length], null));
    }
    await flush();
    // What autovacuum would do soon after a bulk load on a real server: fresh planner statistics.
    await session.exec(`ANALYZE "Token"`);
    return {
      total: written,
      acmeWorkspace: hotWorkspace + acmeFiller,
      otherOrgs: others,
      seconds: (Date.now() - started) / 1000,
      tokens,
    };
  });
}

export interface UsageTotals {
  workspaceCount: number;
  gatewayCount: number;
  /** Successes in the daily and the hourly buckets ("TokenUsageBucket"): each must equal the counts. */
  workspaceDays: number;
  gatewayDays: number;
  workspaceHours: number;
  gatewayHours: number;
}

/** Summed usage of the hot tokens: the counters on "Token" and the day and hour buckets. */
export async function hotUsage(database: BenchDatabase): Promise<UsageTotals> {
  return withDriver(database, async (_driver, session) => {
    const rows = await session.query<{ kind: string; count: string | number; days: string | number; hours: string | number }>(
      `SELECT t.kind::text AS kind,
              COALESCE(SUM(t."usageCount"), 0)::text AS count,
              COALESCE((SELECT SUM(b.succeeded) FROM "TokenUsageBucket" b JOIN "Token" t2 ON t2.id = b."tokenId"
                         WHERE t2.kind = t.kind AND b.span = 'DAY' AND (t2.name LIKE $1 OR t2.name LIKE $2)), 0)::text AS days,
              COALESCE((SELECT SUM(b.succeeded) FROM "TokenUsageBucket" b JOIN "Token" t2 ON t2.id = b."tokenId"
                         WHERE t2.kind = t.kind AND b.span = 'HOUR' AND (t2.name LIKE $1 OR t2.name LIKE $2)), 0)::text AS hours
         FROM "Token" t
        WHERE t.name LIKE $1 OR t.name LIKE $2
        GROUP BY t.kind`,
      [`${HOT_WORKSPACE_PREFIX}%`, `${HOT_GATEWAY_PREFIX}%`],
    );
    const get = (kind: string) => rows.find((r) => r.kind === kind);
    return {
      workspaceCount: Number(get("WORKSPACE")?.count ?? 0),
      gatewayCount: Number(get("GATEWAY")?.count ?? 0),
      workspaceDays: Number(get("WORKSPACE")?.days ?? 0),
      gatewayDays: Number(get("GATEWAY")?.days ?? 0),
      workspaceHours: Number(get("WORKSPACE")?.hours ?? 0),
      gatewayHours: Number(get("GATEWAY")?.hours ?? 0),
    };
  });
}

/**
 * PostgreSQL only: how many times the server looked a token up by hash
 * (index scans of "Token_hash_key", plus "Token_previousHash_key" where it
 * exists: a miss on the current hash is retried on the previous one during a
 * rotation overlap), read from pg_stat_user_indexes over a
 * separate connection. PostgreSQL publishes backend statistics lazily (up to
 * ~10 s late for idle backends), so read it across spans that end in quiet time.
 */
export async function openLookupProbe(database: BenchDatabase): Promise<{ read(): Promise<number>; close(): Promise<void> } | null> {
  if (database.target.kind !== "postgres") return null;
  const client = new pg.Client({ connectionString: database.target.url });
  await client.connect();
  return {
    async read() {
      const { rows } = await client.query<{ n: string }>(
        `SELECT COALESCE(SUM(idx_scan), 0)::text AS n FROM pg_stat_user_indexes WHERE indexrelname IN ('Token_hash_key', 'Token_previousHash_key')`,
      );
      return Number(rows[0].n);
    },
    close: () => client.end(),
  };
}
