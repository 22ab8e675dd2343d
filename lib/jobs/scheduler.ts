/**
 * Background jobs that must run once per period across every instance (expiry
 * reminders, usage retention). Each server process ticks; a tick claims a job
 * whose period has passed with a lease on its "JobLease" row (one conditional
 * UPDATE: whichever instance gets there first holds it, the others see no row),
 * runs it, and records when it completed. A holder that dies leaves a lease that
 * expires, so another instance takes over; a restart picks up where the row says.
 * The lease only spares duplicate work: jobs themselves are idempotent (a
 * reminder is claimed by a unique row in the transaction that queues its mail).
 * Works the same on PGlite (one process) and PostgreSQL.
 */
import "server-only";
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { onShutdown } from "@/lib/shutdown";
import { singleton } from "@/lib/singleton";

export interface JobContext {
  now: Date;
  /** When the job last completed (on any instance), or null the first time. */
  lastRunAt: Date | null;
}

export interface Job {
  name: string;
  /** Runs at most once per this period, cluster-wide. */
  everyMs: number;
  run(db: PrismaClient, ctx: JobContext): Promise<unknown>;
}

/** Longest a run may hold its lease before another instance may take the job over. */
export const LEASE_MS = 5 * 60_000;

/** How often background jobs run (KEYSMITH_JOBS_EVERY_MS; default one minute). */
export function jobPeriodMs(): number {
  const configured = Number(process.env.KEYSMITH_JOBS_EVERY_MS);
  return Number.isFinite(configured) && configured >= 50 ? configured : 60_000;
}

/** This process, as a lease holder. */
const me = singleton("job-holder", () => `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`);

/**
 * Claims `job` if it is due and nobody holds it, runs it, and records the run.
 * Returns whether this call ran it. A failed run gives the lease back without
 * recording a run, so the next tick (anywhere) tries again.
 */
export async function runIfDue(db: PrismaClient, job: Job, now = new Date(), holder = me): Promise<boolean> {
  await db.$executeRaw`INSERT INTO "JobLease" (name) VALUES (${job.name}) ON CONFLICT (name) DO NOTHING`;
  const claimed = await db.$queryRaw<Array<{ lastRunAt: Date | null }>>`
    UPDATE "JobLease" SET holder = ${holder}, "leaseUntil" = ${new Date(now.getTime() + LEASE_MS)}
     WHERE name = ${job.name}
       AND ("leaseUntil" IS NULL OR "leaseUntil" < ${now})
       AND ("lastRunAt" IS NULL OR "lastRunAt" <= ${new Date(now.getTime() - job.everyMs)})
    RETURNING "lastRunAt"`;
  if (claimed.length === 0) return false;
  try {
    await job.run(db, { now, lastRunAt: claimed[0].lastRunAt });
  } catch (error) {
    await db.$executeRaw`UPDATE "JobLease" SET holder = NULL, "leaseUntil" = NULL WHERE name = ${job.name} AND holder = ${holder}`;
    throw error;
  }
  await db.$executeRaw`
    UPDATE "JobLease" SET holder = NULL, "leaseUntil" = NULL, "lastRunAt" = ${now} WHERE name = ${job.name} AND holder = ${holder}`;
  return true;
}

type SchedulerState = { timer?: ReturnType<typeof setInterval>; running?: Promise<void> };
const scheduler = singleton<SchedulerState>("job-scheduler", () => ({}));

/** Ticks every half period in this process (next to the outbox sender, scripts/serve-main.ts). */
export function startScheduler(getDb: () => Promise<PrismaClient>, jobs: Job[]): void {
  if (scheduler.timer) return;
  const tick = async () => {
    if (scheduler.running) return;
    scheduler.running = (async () => {
      const db = await getDb();
      for (const job of jobs) {
        try {
          await runIfDue(db, job);
        } catch (error) {
          console.error(`background job ${job.name} failed; will retry:`, error instanceof Error ? error.message : error);
        }
      }
    })()
      .catch((error: unknown) => console.error("background jobs:", error instanceof Error ? error.message : error))
      .finally(() => (scheduler.running = undefined));
  };
  const periods = jobs.map((j) => j.everyMs);
  scheduler.timer = setInterval(() => void tick(), Math.max(50, Math.min(...periods) / 2));
  scheduler.timer.unref();
  void tick();
  onShutdown("job-scheduler", stopScheduler);
}

/** Stops ticking and waits for a run in progress (a clean shutdown; tests). */
export async function stopScheduler(): Promise<void> {
  clearInterval(scheduler.timer);
  scheduler.timer = undefined;
  await scheduler.running;
}
