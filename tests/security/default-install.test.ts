/**
 * The install everyone gets from `npm start`: no NEXTAUTH_SECRET, no
 * DATABASE_URL. Its session cookies used to be signed with a constant from
 * the source, so anyone could sign a cookie for an admin's user id. Here the
 * real production server runs that way, and:
 *
 * - a session cookie signed with any string literal of this repository (the
 *   old constant included) signs nobody in, while the same claims signed with
 *   the install's own secret do (the control: the forging method works);
 * - that secret was generated for this data directory and sits in a 0600 file;
 * - a cookie copied before sign-out signs nobody in after it.
 *
 * Needs a production build (`npm test` builds before vitest runs); skipped otherwise.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";

import { decode, encode, type JWT } from "next-auth/jwt";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { SECRET_FILE } from "@/lib/auth/app-secret";

import { freshPgliteDir } from "../support/databases";
import { productionBuildDir, startServerProcess, type ServerProcess } from "../support/server-process";

const distDir = productionBuildDir();
const ROOT = path.resolve(import.meta.dirname, "..", "..");
const COOKIE = "next-auth.session-token";
/** The constant the embedded install signed sessions with before it made its own secret. */
const FORMER_CONSTANT = "keysmith-embedded-development-secret";

/** Every string literal in the repository's source files. */
function repositoryLiterals(): string[] {
  const files = execFileSync("git", ["ls-files", "*.ts", "*.tsx", "*.mjs", "*.js", "*.cjs"], { cwd: ROOT, encoding: "utf8" })
    .split("\n")
    .filter(Boolean);
  const literals = new Set<string>([FORMER_CONSTANT]);
  for (const file of files) {
    const text = readFileSync(path.join(ROOT, file), "utf8");
    const variant = file.endsWith("x") ? ts.LanguageVariant.JSX : ts.LanguageVariant.Standard;
    const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, variant, text);
    for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
      if (kind === ts.SyntaxKind.StringLiteral || kind === ts.SyntaxKind.NoSubstitutionTemplateLiteral) literals.add(scanner.getTokenValue());
    }
  }
  literals.delete("");
  return [...literals];
}

/** Signs in through next-auth's own credentials endpoint and returns the session cookie's value. */
async function signIn(base: string, email: string, password: string): Promise<string> {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookies = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookies },
    body: new URLSearchParams({ csrfToken, email, password, json: "true", callbackUrl: `${base}/` }),
  });
  const session = res.headers.getSetCookie().find((c) => c.startsWith(`${COOKIE}=`));
  if (!session) throw new Error(`sign-in failed with ${res.status}`);
  return session.slice(COOKIE.length + 1).split(";")[0];
}

async function signOut(base: string, session: string): Promise<void> {
  const csrf = await fetch(`${base}/api/auth/csrf`, { headers: { cookie: `${COOKIE}=${session}` } });
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookies = [`${COOKIE}=${session}`, ...csrf.headers.getSetCookie().map((c) => c.split(";")[0])].join("; ");
  const res = await fetch(`${base}/api/auth/signout`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookies },
    body: new URLSearchParams({ csrfToken, json: "true", callbackUrl: `${base}/sign-in` }),
  });
  expect(res.status).toBeLessThan(400);
}

describe.skipIf(!distDir)("the default install (embedded database, no NEXTAUTH_SECRET)", () => {
  const dataDir = freshPgliteDir();
  let server: ServerProcess;
  let admin: { email: string; password: string };

  beforeAll(async () => {
    server = await startServerProcess({
      name: "default install",
      distDir: distDir!,
      env: {
        DATABASE_URL: undefined,
        NEXTAUTH_SECRET: undefined,
        KEYSMITH_DATA_DIR: dataDir,
        KEYSMITH_ADMIN_EMAIL: undefined,
        KEYSMITH_ADMIN_PASSWORD: undefined,
        KEYSMITH_OUTBOX_WORKER: "off",
      },
    });
    const password = readFileSync(path.join(dataDir, "initial-admin-password"), "utf8").trim();
    admin = { email: "admin@keysmith.local", password };
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  /** What a request with this session cookie gets from a console endpoint only members may read. */
  async function tokensWith(session: string | null): Promise<number> {
    const res = await fetch(`${server.url}/api/console/acme/tokens?kind=workspace`, {
      headers: session ? { cookie: `${COOKIE}=${session}` } : {},
    });
    await res.arrayBuffer();
    return res.status;
  }

  it("made a secret of its own, kept in a 0600 file, and printed no password of the repository", () => {
    const file = path.join(dataDir, SECRET_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8").trim()).toMatch(/^[\w-]{43}$/);
    expect(statSync(path.join(dataDir, "initial-admin-password")).mode & 0o777).toBe(0o600);
    expect(server.output()).toContain(`session secret: generated now, kept in ${file}`);
    expect(repositoryLiterals()).not.toContain(admin.password);
  });

  it("refuses a session cookie signed with any string literal of the repository, and accepts one signed with its own secret", async () => {
    const secret = readFileSync(path.join(dataDir, SECRET_FILE), "utf8").trim();
    const real = await signIn(server.url, admin.email, admin.password);
    const claims = (await decode({ token: real, secret })) as JWT;
    expect(claims.sub).toBeTruthy();
    expect(claims.sid).toBeTruthy();

    // The control: the same claims, signed with the install's secret, are a working session.
    expect(await tokensWith(await encode({ token: claims, secret }))).toBe(200);
    expect(await tokensWith(null)).toBe(404);

    const literals = repositoryLiterals();
    expect(literals.length).toBeGreaterThan(1_000);
    expect(literals).toContain(FORMER_CONSTANT);
    const accepted: string[] = [];
    const queue = [...literals];
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let literal = queue.pop(); literal !== undefined; literal = queue.pop()) {
          const forged = await encode({ token: claims, secret: literal });
          if ((await tokensWith(forged)) !== 404) accepted.push(literal);
        }
      }),
    );
    expect(accepted).toEqual([]);
  }, 120_000);

  it("ends the session on sign-out: a copy of the cookie taken before signs nobody in", async () => {
    const session = await signIn(server.url, admin.email, admin.password);
    expect(await tokensWith(session)).toBe(200);
    const copy = session;
    await signOut(server.url, session);
    expect(await tokensWith(copy)).toBe(404);
  });
});
