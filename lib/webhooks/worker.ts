/**
 * The in-process webhook sender: polls every second (KEYSMITH_WEBHOOK_POLL_MS),
 * and runs at once when kicked after a change queued deliveries. Started once
 * per server process (scripts/serve-main.ts); every instance may run one, the
 * leases in ./delivery.ts keep them from sending the same attempt twice.
 */
import "server-only";
import { getDb } from "@/lib/db/client";
import { singleton } from "@/lib/singleton";
import { kickOutbox } from "@/lib/email/worker";
import { deliverDue } from "./delivery";

type WorkerState = { running: boolean; again: boolean; timer?: ReturnType<typeof setInterval> };
const worker = singleton<{ state?: WorkerState }>("webhook-worker", () => ({}));

function pollMs(): number {
  const v = Number(process.env.KEYSMITH_WEBHOOK_POLL_MS);
  return Number.isInteger(v) && v > 0 ? v : 1_000;
}

async function drain(state: WorkerState) {
  if (state.running) {
    state.again = true;
    return;
  }
  state.running = true;
  try {
    do {
      state.again = false;
      const db = await getDb();
      // Keep going while whole batches go out; stop on a round that failed or found nothing.
      let round;
      do round = await deliverDue(db);
      while (round.delivered > 0 && round.failed === 0);
      // An endpoint turned off after failing for days queued its admins' e-mail.
      if (round.failed > 0) kickOutbox();
    } while (state.again);
  } catch (error) {
    console.error("webhook delivery failed:", error instanceof Error ? error.message : error);
  } finally {
    state.running = false;
  }
}

export function startWebhookWorker(): void {
  if (worker.state) return;
  const state: WorkerState = { running: false, again: false };
  worker.state = state;
  state.timer = setInterval(() => void drain(state), pollMs());
  state.timer.unref();
  void drain(state);
}

/** Stops polling and waits for a round in progress to end (tests; a clean shutdown). */
export async function stopWebhookWorker(): Promise<void> {
  const state = worker.state;
  if (!state) return;
  clearInterval(state.timer);
  worker.state = undefined;
  while (state.running) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** Asks this process's sender (if it runs one) to deliver now rather than at the next poll. */
export function kickWebhooks(): void {
  const state = worker.state;
  if (state) setImmediate(() => void drain(state));
}
