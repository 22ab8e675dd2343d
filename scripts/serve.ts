/**
 * Keysmith's HTTP server: `npm start` (production, after `next build`) and
 * `npm run dev`. Next.js plus the two things `next start` cannot do for us:
 * apply migrations and seed before the first request, and stamp each request
 * with the client address taken from the socket (route handlers cannot see it).
 */
import http from "node:http";
import next from "next";
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
  if (!process.env.NEXTAUTH_SECRET) {
    if (process.env.DATABASE_URL && !dev) {
      throw new Error("Set NEXTAUTH_SECRET: every instance sharing a database must sign sessions with the same secret.");
    }
    // The embedded default is a single local process: a fixed development secret keeps sessions across restarts.
    process.env.NEXTAUTH_SECRET = "keysmith-embedded-development-secret";
  }

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
      `  sign in at ${url}/sign-in as ${db.seed.email}` +
        (db.seed.password ? ` with password ${db.seed.password}` : " (password changed since seeding)"),
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

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(",") : value;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
