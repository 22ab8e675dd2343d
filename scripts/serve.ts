/**
 * Keysmith's HTTP server: `npm start` (production, after `next build`) and
 * `npm run dev`. Next.js plus the two things `next start` cannot do for us:
 * apply migrations and seed before the first request, and stamp each request
 * with the client address taken from the socket (route handlers cannot see it).
 */
import http from "node:http";
import next from "next";
import { AppSecretError, resolveAppSecret } from "@/lib/auth/app-secret";
import { databaseTarget } from "@/lib/db/connection";
import { prepareDatabase } from "@/lib/db/prepare";
import { CLIENT_IP_HEADER, resolveClientIp } from "@/lib/request-info";
import { runShutdownHooks } from "@/lib/shutdown";

const dev = process.argv.includes("--dev");
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "0.0.0.0";
const trustedHops = Number(process.env.KEYSMITH_TRUSTED_PROXY_HOPS ?? 0);

async function main() {
  const started = Date.now();
  process.env.NEXTAUTH_URL ??= `http://localhost:${port}`;
  // Before anything reads it: next-auth, the proxy and the secret box take it from the environment.
  const appSecret = resolveAppSecret(databaseTarget());
  process.env.NEXTAUTH_SECRET = appSecret.secret;

  const db = await prepareDatabase();
  const app = next({ dev, hostname: host, port });
  const handle = app.getRequestHandler();
  await app.prepare();

  let stopping = false;
  const server = http.createServer((req, res) => {
    // While shutting down, every response closes its connection, so keep-alive
    // clients cannot keep feeding requests past the final usage flush.
    if (stopping) res.setHeader("connection", "close");
    const ip = resolveClientIp(req.socket.remoteAddress, header(req.headers["x-forwarded-for"]), trustedHops);
    if (ip) req.headers[CLIENT_IP_HEADER] = ip;
    else delete req.headers[CLIENT_IP_HEADER];
    void handle(req, res);
  });
  server.listen(port, host, () => {
    const url = process.env.NEXTAUTH_URL;
    const lines = [
      `Keysmith is ready on ${url} (${dev ? "development" : "production"}, ${Date.now() - started} ms)`,
      `  database: ${db.description}${db.applied.length ? ` (applied ${db.applied.join(", ")})` : ""}`,
      `  session secret: ${secretLine(appSecret)}`,
      ...(db.resealed ? [`  upstream keys sealed again with the current encryption key: ${db.resealed}`] : []),
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
  console.error(error instanceof AppSecretError ? `Keysmith cannot start: ${error.message}` : error);
  process.exit(1);
});
