/**
 * How long usage history is kept, and the background job that prunes it
 * (lib/jobs/scheduler.ts: once per period across every instance). Every setting
 * is read from the environment with a stated default (README, "Configuration"):
 *
 * - hourly buckets: KEYSMITH_USAGE_HOURLY_RETENTION_HOURS, default 48;
 * - daily buckets: KEYSMITH_USAGE_DAILY_RETENTION_DAYS, default 90, at least 32
 *   (monthly budgets sum the current month's daily buckets);
 * - request log: KEYSMITH_REQUEST_LOG_PER_TOKEN entries per token, default 200,
 *   and KEYSMITH_REQUEST_LOG_DAYS, default 14.
 */
import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Job } from "@/lib/jobs/scheduler";
import { jobPeriodMs } from "@/lib/jobs/scheduler";

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Log entries are written up to a flush (and its retries) after the call: look back this far past the last run. */
const LATE_WRITE_MS = 10 * 60_000;

export interface Retention {
  hourlyHours: number;
  dailyDays: number;
  logPerToken: number;
  logDays: number;
}

function setting(name: string, fallback: number, min: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? Math.max(value, min) : fallback;
}

export function retention(): Retention {
  return {
    hourlyHours: setting("KEYSMITH_USAGE_HOURLY_RETENTION_HOURS", 48, 1),
    dailyDays: setting("KEYSMITH_USAGE_DAILY_RETENTION_DAYS", 90, 32),
    logPerToken: setting("KEYSMITH_REQUEST_LOG_PER_TOKEN", 200, 1),
    logDays: setting("KEYSMITH_REQUEST_LOG_DAYS", 14, 1),
  };
}

export interface Pruned {
  buckets: number;
  modelBuckets: number;
  requests: number;
}

/**
 * Deletes buckets and log entries past the retention, and each token's log
 * entries beyond its newest `logPerToken`. Only tokens with entries written since
 * `since` (the last run) can have grown past the bound, so only they are looked at.
 */
export async function pruneUsage(db: PrismaClient, now: Date, since: Date | null, r: Retention = retention()): Promise<Pruned> {
  const hourCutoff = new Date(now.getTime() - r.hourlyHours * HOUR_MS);
  const dayCutoff = new Date(now.getTime() - r.dailyDays * DAY_MS);
  const logCutoff = new Date(now.getTime() - r.logDays * DAY_MS);
  const buckets = await db.$executeRaw`
    DELETE FROM "TokenUsageBucket" WHERE (span = 'HOUR' AND start < ${hourCutoff}) OR (span = 'DAY' AND start < ${dayCutoff})`;
  const modelBuckets = await db.$executeRaw`
    DELETE FROM "TokenModelBucket" WHERE (span = 'HOUR' AND start < ${hourCutoff}) OR (span = 'DAY' AND start < ${dayCutoff})`;
  let requests = await db.$executeRaw`DELETE FROM "TokenRequest" WHERE at < ${logCutoff}`;
  const recent = new Date(since ? since.getTime() - LATE_WRITE_MS : 0);
  // Per token: the newest `logPerToken` entries stay; everything at or before the next one goes.
  requests += await db.$executeRaw`
    DELETE FROM "TokenRequest" r
     USING (
       SELECT busy."tokenId", cut.at, cut.id
         FROM (SELECT DISTINCT "tokenId" FROM "TokenRequest" WHERE at >= ${recent}) AS busy
        CROSS JOIN LATERAL (
          SELECT at, id FROM "TokenRequest" x WHERE x."tokenId" = busy."tokenId"
           ORDER BY at DESC, id DESC OFFSET ${r.logPerToken} LIMIT 1
        ) AS cut
     ) AS bound
     WHERE r."tokenId" = bound."tokenId" AND (r.at, r.id) <= (bound.at, bound.id)`;
  return { buckets, modelBuckets, requests };
}

export const usageRetentionJob: Job = {
  name: "usage-retention",
  everyMs: jobPeriodMs(),
  run: (db, { now, lastRunAt }) => pruneUsage(db, now, lastRunAt),
};
