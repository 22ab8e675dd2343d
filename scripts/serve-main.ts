/**
 * Keysmith's HTTP server: one process, one port. Requests for the token APIs
 * (`/api/v1`, `/api/gpt`, `/api/health`) go to the data plane, a lean handler
 * over lib/ (lib/data-plane/); everything else (pages, server actions, the
 * console's own JSON) to Next.js. KEYSMITH_ROLE=api or console starts a process
 * with only one of the two, so they can be scaled apart behind one balancer.
 *
 * Before taking traffic it settles the app secret, applies migrations, seeds
 * once, and starts the background work every role needs: the change feed that
 * keeps verification caches honest, the outbox sender and the background jobs
 * (expiry reminders, usage retention); an API process also
 * builds its known-token filter (lib/tokens/known-tokens.ts).
 */
import http from "node:http";
import { resolveAppSecret } from "@/lib/auth/app-secret";
import { createDataPlane } from "@/lib/data-plane/http";
import { API_PREFIXES, API_ROUTES } from "@/lib/data-plane/routes";
import { getDb } from "@/lib/db/client";
import { ConfigError } from "@/lib/errors";
import { databaseTarget } from "@/lib/db/connection";
import { prepareDatabase } from "@/lib/db/prepare";
import { startOutboxWorker } from "@/lib/email/worker";
import { expiryRemindersJob } from "@/lib/jobs/expiry-reminders";
import { startScheduler } from "@/lib/jobs/scheduler";
import { usageRetentionJob } from "@/lib/usage/retention";
import { CLIENT_IP_HEADER, publicOrigin, resolveClientIp } from "@/lib/request-info";
import { onShutdown, runShutdownHooks } from "@/lib/shutdown";
import { startChangeFeed } from "@/lib/tokens/change-feed";
import { startKnownTokens } from "@/lib/tokens/known-tokens";
import { startWebhookWorker, stopWebhookWorker } from "@/lib/webhooks/worker";

const dev = process.argv.includes("--dev");
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "0.0.0.0";
const trustedHops = Number(process.env.KEYSMITH_TRUSTED_PROXY_HOPS ?? 0);

type Role = "all" | "api" | "console";
function serverRole(value = process.env.KEYSMITH_ROLE?.trim() || "all"): Role {
  if (value === "all" || value === "api" || value === "console") return value;
  throw new ConfigError(`KEYSMITH_ROLE must be all, api or console (got "${value}").`);
}

function pathOf(url: string | undefined): string {
  const u = url ?? "/";
  const q = u.indexOf("?");
  return q < 0 ? u : u.slice(0, q);
}

/** Next.js, for the console's pages and actions (not loaded at all by an API-only process). */
async function startConsole() {
  const { default: next } = await import("next");
  const app = next({ dev, hostname: host, port });
  await app.prepare();
  return app.getRequestHandler();
}

async function main() {
  const started = Date.now();
  process.env.NEXTAUTH_URL ??= `http://localhost:${port}`;
  // Before anything reads it: next-auth, the proxy and the secret box take it from the environment.
  const appSecret = resolveAppSecret(databaseTarget());
  process.env.NEXTAUTH_SECRET = appSecret.secret;

  const role = serverRole();
  const db = await prepareDatabase();
  startChangeFeed(getDb);
  if (process.env.KEYSMITH_OUTBOX_WORKER !== "off") startOutboxWorker();
  // Expiry reminders and usage retention: once per period across all instances (a lease per job).
  if (process.env.KEYSMITH_JOBS !== "off") startScheduler(getDb, [expiryRemindersJob, usageRetentionJob]);
  if (process.env.KEYSMITH_WEBHOOK_WORKER !== "off") {
    startWebhookWorker();
    // A delivery in flight finishes (and is recorded) before exit; one cut short is sent again after its lease.
    onShutdown("webhooks", stopWebhookWorker);
  }
  const origin = publicOrigin();
  // Built before taking traffic, so an unknown token is refused without a lookup from the first call.
  const filter = role === "console" ? null : await startKnownTokens(getDb);
  const api = role === "console" ? null : createDataPlane(API_ROUTES, { prefixes: API_PREFIXES, origin: () => origin });
  const consoleHandler = role === "api" ? null : await startConsole();

  let stopping = false;
  const server = http.createServer((req, res) => {
    // While shutting down, every response closes its connection, so keep-alive
    // clients cannot keep feeding requests past the final usage flush.
    if (stopping) res.setHeader("connection", "close");
    const ip = resolveClientIp(req.socket.remoteAddress, header(req.headers["x-forwarded-for"]), trustedHops);
    const path = pathOf(req.url);
    if (api?.owns(path)) return api.handle(req, res, ip);
    if (!consoleHandler || API_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`))) {
      res.writeHead(404, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify({ type: "error", error: { type: "not_found_error", message: `This instance serves the ${role === "api" ? "API" : "console"} only.` } }));
      return;
    }
    if (ip) req.headers[CLIENT_IP_HEADER] = ip;
    else delete req.headers[CLIENT_IP_HEADER];
    void consoleHandler(req, res);
  });
  server.listen(port, host, () => {
    const url = process.env.NEXTAUTH_URL;
    const lines = [
      `Keysmith is ready on ${url} (${dev ? "development" : "production"}, ${role === "all" ? "console and API" : `${role} only`}, ${Date.now() - started} ms)`,
      `  database: ${db.description}${db.applied.length ? ` (applied ${db.applied.join(", ")})` : ""}`,
      `  session secret: ${secretLine(appSecret)}`,
      ...(filter ? [`  known-token filter: ${filter.tokens.toLocaleString("en-US")} tokens, ${(filter.bytes / 2 ** 20).toFixed(1)} MiB, built in ${Math.round(filter.ms)} ms`] : []),
      ...(db.resealed ? [`  stored secrets (upstream keys, webhook secrets) sealed again with the current encryption key: ${db.resealed}`] : []),
      `  sign in at ${url}/sign-in as ${db.seed.email}` + passwordHint(db.seed),
    ];
    console.log(lines.join("\n"));
  });

  /**
   * A clean stop: take no new connections, let in-flight requests finish (each
   * answer closes its connection), then flush the usage tallies they counted,
   * and only then exit. Bounded, so a hung client cannot keep the process alive.
   */
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing in-flight requests and flushing usage counts`);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const finish = async () => {
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      server.closeAllConnections();
      await runShutdownHooks();
      process.exit(0);
    };
    void finish();
    setTimeout(() => process.exit(1), 15_000).unref();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

function secretLine(s: ReturnType<typeof resolveAppSecret>): string {
  if (s.source === "environment") return "NEXTAUTH_SECRET";
  return `${s.source === "generated" ? "generated now, kept" : "kept"} in ${s.file} (mode 0600)`;
}

function passwordHint(seed: Awaited<ReturnType<typeof prepareDatabase>>["seed"]): string {
  if (seed.password) return ` with password ${seed.password}${seed.generated ? " (generated for this install; change it under Account)" : ""}`;
  if (seed.generated && !seed.created) return " (with the password printed at first start, or as changed since)";
  return " (password changed since seeding)";
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(",") : value;
}

main().catch((error) => {
  // A configuration problem gets one clear line, not a stack trace.
  console.error(error instanceof ConfigError ? `Keysmith cannot start: ${error.message}` : error);
  process.exit(1);
});
