/**
 * Where the app secret comes from (lib/auth/app-secret.ts): never a constant.
 * Fails without it: serve.ts used a fixed string when NEXTAUTH_SECRET was unset.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

import { dataDirSecret, resolveAppSecret, SECRET_FILE } from "@/lib/auth/app-secret";
import { ConfigError } from "@/lib/errors";

const dirs: string[] = [];
function freshDir(): string {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), "keysmith-secret-")), "data");
  dirs.push(path.dirname(dir));
  return dir;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("the app secret", () => {
  it("is made on first start of an embedded install: 256 random bits, in a 0600 file, reused afterwards", () => {
    const dir = freshDir();
    const first = resolveAppSecret({ kind: "pglite", dataDir: dir }, {});
    expect(first.source).toBe("generated");
    expect(first.secret).toMatch(/^[\w-]{43}$/);
    expect(statSync(path.join(dir, SECRET_FILE)).mode & 0o777).toBe(0o600);

    const again = resolveAppSecret({ kind: "pglite", dataDir: dir }, {});
    expect(again).toMatchObject({ source: "data directory", secret: first.secret });
  });

  it("differs between two fresh data directories", () => {
    const a = dataDirSecret(freshDir()).secret;
    const b = dataDirSecret(freshDir()).secret;
    expect(a).not.toBe(b);
  });

  it("narrows a secret file whose permissions were widened back to 0600", () => {
    const dir = freshDir();
    dataDirSecret(dir);
    chmodSync(path.join(dir, SECRET_FILE), 0o644);
    dataDirSecret(dir);
    expect(statSync(path.join(dir, SECRET_FILE)).mode & 0o777).toBe(0o600);
  });

  it("refuses a secret file that holds no usable secret", () => {
    const dir = freshDir();
    dataDirSecret(dir);
    writeFileSync(path.join(dir, SECRET_FILE), "short\n");
    expect(() => dataDirSecret(dir)).toThrow(ConfigError);
  });

  it("is NEXTAUTH_SECRET when set (and long enough), and makes no file then", () => {
    const dir = freshDir();
    const configured = "x".repeat(40);
    expect(resolveAppSecret({ kind: "pglite", dataDir: dir }, { NEXTAUTH_SECRET: configured })).toEqual({ secret: configured, source: "environment" });
    expect(() => readFileSync(path.join(dir, SECRET_FILE))).toThrow();
    expect(() => resolveAppSecret({ kind: "pglite", dataDir: dir }, { NEXTAUTH_SECRET: "too-short" })).toThrow(/at least 32/);
  });

  it("is required with a PostgreSQL server, with a message that says what to set", () => {
    expect(() => resolveAppSecret({ kind: "postgres", url: "postgres://db.example/keysmith" }, {})).toThrow(/NEXTAUTH_SECRET is not set.*every instance/);
  });
});
