/**
 * The in-process outbox sender: polls every few seconds, and runs at once when
 * kicked after a change queued mail. Started once per server process
 * (scripts/serve-main.ts), on the loop of lib/jobs/poller.ts.
 */
import "server-only";
import { getDb } from "@/lib/db/client";
import { poller } from "@/lib/jobs/poller";
import { deliverDue } from "./delivery";

const POLL_MS = Number(process.env.KEYSMITH_OUTBOX_POLL_MS ?? 2_000);

const outbox = poller(
  "outbox delivery",
  () => POLL_MS,
  async () => {
    const prisma = await getDb();
    // Keep going while full batches are sent; stop on a round that failed or found nothing.
    let round;
    do round = await deliverDue(prisma);
    while (round.sent > 0 && round.failed === 0);
  },
);

export const startOutboxWorker = outbox.start;
/** Stops polling and waits for a delivery in progress to end (tests; a clean shutdown). */
export const stopOutboxWorker = outbox.stop;
/** Asks the worker (if this process runs one) to deliver now rather than at the next poll. */
export const kickOutbox = outbox.kick;
