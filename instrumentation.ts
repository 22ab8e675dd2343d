/**
 * Runs once when a server process starts (not during `next build`): starts the
 * e-mail outbox sender, and the token change feed that lets the verification
 * cache keep entries long while honouring changes from other instances.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  const { startChangeFeed } = await import("@/lib/tokens/change-feed");
  const { getDb } = await import("@/lib/db/client");
  startChangeFeed(getDb);
  if (process.env.KEYSMITH_OUTBOX_WORKER === "off") return;
  const { startOutboxWorker } = await import("@/lib/email/worker");
  startOutboxWorker();
}
