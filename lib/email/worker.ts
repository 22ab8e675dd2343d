/**
 * The in-process outbox sender: polls every few seconds, and runs at once when
 * kicked after a change queued mail. Started once per server process
 * (instrumentation.ts); state lives on globalThis so every bundle that imports
 * this shares one worker.
 */
import "server-only";
import { getDb } from "@/lib/db/client";
import { deliverDue } from "./delivery";
import { singleton } from "@/lib/singleton";

const POLL_MS = Number(process.env.KEYSMITH_OUTBOX_POLL_MS ?? 2_000);
type WorkerState = { running: boolean; again: boolean; timer?: ReturnType<typeof setInterval> };
/** This process's worker, once started. */
const worker = singleton<{ state?: WorkerState }>("outbox-worker", () => ({}));

async function drain(state: WorkerState) {
  if (state.running) {
    state.again = true;
    return;
  }
  state.running = true;
  try {
    do {
      state.again = false;
      const prisma = await getDb();
      // Keep going while full batches are sent; stop on a round that failed or found nothing.
      let round;
      do round = await deliverDue(prisma);
      while (round.sent > 0 && round.failed === 0);
    } while (state.again);
  } catch (error) {
    console.error("outbox delivery failed:", error instanceof Error ? error.message : error);
  } finally {
    state.running = false;
  }
}

export function startOutboxWorker(): void {
  if (worker.state) return;
  const state: WorkerState = { running: false, again: false };
  worker.state = state;
  state.timer = setInterval(() => void drain(state), POLL_MS);
  state.timer.unref();
  void drain(state);
}

/** Stops polling and waits for a delivery in progress to end (tests; a clean shutdown). */
export async function stopOutboxWorker(): Promise<void> {
  const state = worker.state;
  if (!state) return;
  clearInterval(state.timer);
  worker.state = undefined;
  while (state.running) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** Asks the worker (if this process runs one) to deliver now rather than at the next poll. */
export function kickOutbox(): void {
  const state = worker.state;
  if (state) setImmediate(() => void drain(state));
}
