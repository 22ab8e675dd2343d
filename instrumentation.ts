/** Runs once when a server process starts (not during `next build`): starts the e-mail outbox sender. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  if (process.env.KEYSMITH_OUTBOX_WORKER === "off") return;
  const { startOutboxWorker } = await import("@/lib/email/worker");
  startOutboxWorker();
}
