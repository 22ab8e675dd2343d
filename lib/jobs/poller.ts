/**
 * An in-process sender loop (the e-mail outbox, webhook deliveries): polls every
 * `everyMs`, runs at once when kicked after a change queued work, and never runs
 * two rounds at once; a kick during a round makes it go round once more. State
 * lives in a process singleton, so every bundle that imports it shares one loop.
 */
import "server-only";
import { singleton } from "@/lib/singleton";

export interface Poller {
  /** Starts polling (once per process; a second call does nothing). */
  start(): void;
  /** Stops polling and waits for a round in progress to end (tests; a clean shutdown). */
  stop(): Promise<void>;
  /** Runs a round now rather than at the next poll, if this process runs the loop. */
  kick(): void;
}

type LoopState = { running: boolean; again: boolean; timer?: ReturnType<typeof setInterval> };

export function poller(name: string, everyMs: () => number, round: () => Promise<void>): Poller {
  const loop = singleton<{ state?: LoopState }>(name, () => ({}));

  async function drain(state: LoopState) {
    if (state.running) {
      state.again = true;
      return;
    }
    state.running = true;
    try {
      do {
        state.again = false;
        await round();
      } while (state.again);
    } catch (error) {
      console.error(`${name} failed:`, error instanceof Error ? error.message : error);
    } finally {
      state.running = false;
    }
  }

  return {
    start() {
      if (loop.state) return;
      const state: LoopState = { running: false, again: false };
      loop.state = state;
      state.timer = setInterval(() => void drain(state), everyMs());
      state.timer.unref();
      void drain(state);
    },
    async stop() {
      const state = loop.state;
      if (!state) return;
      clearInterval(state.timer);
      loop.state = undefined;
      while (state.running) await new Promise((resolve) => setTimeout(resolve, 20));
    },
    kick() {
      const state = loop.state;
      if (state) setImmediate(() => void drain(state));
    },
  };
}
