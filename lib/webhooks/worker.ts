/**
 * The in-process webhook sender: polls every second (KEYSMITH_WEBHOOK_POLL_MS),
 * and runs at once when kicked after a change queued deliveries. Started once
 * per server process (scripts/serve-main.ts), on the loop of lib/jobs/poller.ts;
 * every instance may run one, the leases in ./delivery.ts keep them from sending
 * the same attempt twice.
 */
import "server-only";
import { getDb } from "@/lib/db/client";
import { kickOutbox } from "@/lib/email/worker";
import { poller } from "@/lib/jobs/poller";
import { deliverDue } from "./delivery";

function pollMs(): number {
  const v = Number(process.env.KEYSMITH_WEBHOOK_POLL_MS);
  return Number.isInteger(v) && v > 0 ? v : 1_000;
}

const webhooks = poller("webhook delivery", pollMs, async () => {
  const db = await getDb();
  // Keep going while whole batches go out; stop on a round that failed or found nothing.
  let round;
  do round = await deliverDue(db);
  while (round.delivered > 0 && round.failed === 0);
  // An endpoint turned off after failing for days queued its admins' e-mail.
  if (round.failed > 0) kickOutbox();
});

export const startWebhookWorker = webhooks.start;
/** Stops polling and waits for a round in progress to end (tests; a clean shutdown). */
export const stopWebhookWorker = webhooks.stop;
/** Asks this process's sender (if it runs one) to deliver now rather than at the next poll. */
export const kickWebhooks = webhooks.kick;
