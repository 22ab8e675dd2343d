import { createCipheriv, hkdfSync, randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";

import { keyId, keyringFrom, needsReseal, open, openCached, seal } from "@/lib/crypto/secret-box";

const APP_SECRET = "unit-test-app-secret-of-enough-length";
const ring = keyringFrom({ NEXTAUTH_SECRET: APP_SECRET });

/** Flips one base64url character of the given dot-separated part. */
function tamper(sealed: string, part: number): string {
  const parts = sealed.split(".");
  const s = parts[part];
  parts[part] = (s[0] === "A" ? "B" : "A") + s.slice(1);
  return parts.join(".");
}

/** A value in the format stored before key ids existed: `v1.<iv>.<tag>.<ct>` under the app secret's derived key. */
function sealV1(plaintext: string, appSecret: string): string {
  const key = Buffer.from(hkdfSync("sha256", appSecret, "keysmith", "upstream-api-keys/v1", 32));
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ct.toString("base64url")].join(".");
}

describe("secret-box (upstream API keys at rest)", () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of ["NEXTAUTH_SECRET", "KEYSMITH_ENCRYPTION_KEY", "KEYSMITH_ENCRYPTION_KEYS_PREVIOUS"]) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it("opens what it sealed, including empty and non-ASCII values; the value names its key", () => {
    for (const plaintext of ["sk-ant-api03-abcdef", "", "ключ 🔑 with spaces"]) {
      const sealed = seal(plaintext, ring);
      expect(sealed).toMatch(/^v2\.[\w-]{8}\.[\w-]+\.[\w-]+\.[\w-]*$/);
      expect(sealed.split(".")[1]).toBe(ring.current.id);
      expect(sealed).not.toContain(plaintext || "\u0000");
      expect(open(sealed, ring)).toBe(plaintext);
    }
  });

  it("never seals the same value the same way twice (random IV)", () => {
    const a = seal("same key", ring);
    const b = seal("same key", ring);
    expect(a).not.toBe(b);
    expect(open(a, ring)).toBe(open(b, ring));
  });

  it("refuses a tampered IV, tag or ciphertext, truncated values and unknown versions", () => {
    const sealed = seal("sk-upstream-secret", ring);
    for (const part of [2, 3, 4]) expect(() => open(tamper(sealed, part), ring)).toThrow();
    expect(() => open(sealed.split(".").slice(0, 4).join("."), ring)).toThrow();
    expect(() => open(sealed.replace(/^v2/, "v3"), ring)).toThrow(/Unrecognized/);
  });

  it("refuses to open with another app secret (the key id is unknown there)", () => {
    const sealed = seal("sk-upstream-secret", ring);
    expect(() => open(sealed, keyringFrom({ NEXTAUTH_SECRET: `${APP_SECRET}-rotated` }))).toThrow(/not configured/);
  });

  it("still opens values stored in the v1 format (no key id) with the app secret", () => {
    const legacy = sealV1("sk-before-key-ids", APP_SECRET);
    expect(open(legacy, ring)).toBe("sk-before-key-ids");
    expect(needsReseal(legacy, ring)).toBe(true);
    expect(() => open(legacy, keyringFrom({ NEXTAUTH_SECRET: "another-app-secret-of-enough-length" }))).toThrow();
  });

  it("rotates: KEYSMITH_ENCRYPTION_KEY seals, the previous keys and the app secret still open", () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const before = keyringFrom({ NEXTAUTH_SECRET: APP_SECRET, KEYSMITH_ENCRYPTION_KEY: oldKey.toString("base64") });
    const underOld = seal("sealed under the old key", before);
    const underAppSecret = seal("sealed under the app secret", ring);

    const after = keyringFrom({
      NEXTAUTH_SECRET: APP_SECRET,
      KEYSMITH_ENCRYPTION_KEY: newKey.toString("hex"),
      KEYSMITH_ENCRYPTION_KEYS_PREVIOUS: oldKey.toString("base64url"),
    });
    expect(after.current.id).toBe(keyId(newKey));
    expect(open(underOld, after)).toBe("sealed under the old key");
    expect(open(underAppSecret, after)).toBe("sealed under the app secret");
    expect(needsReseal(underOld, after)).toBe(true);
    const resealed = seal(open(underOld, after), after);
    expect(needsReseal(resealed, after)).toBe(false);
    // Without the old key configured, its values no longer open.
    expect(() => open(underOld, keyringFrom({ NEXTAUTH_SECRET: APP_SECRET, KEYSMITH_ENCRYPTION_KEY: newKey.toString("hex") }))).toThrow(/not configured/);
  });

  it("refuses a key that is not 32 bytes", () => {
    expect(() => keyringFrom({ KEYSMITH_ENCRYPTION_KEY: "too-short" })).toThrow(/32 bytes/);
  });

  it("uses the environment by default, and says so when no key is configured", () => {
    process.env.NEXTAUTH_SECRET = APP_SECRET;
    delete process.env.KEYSMITH_ENCRYPTION_KEY;
    const sealed = seal("from env");
    expect(open(sealed, ring)).toBe("from env");
    expect(open(seal("explicit", ring))).toBe("explicit");

    delete process.env.NEXTAUTH_SECRET;
    expect(() => seal("x")).toThrow(/KEYSMITH_ENCRYPTION_KEY or NEXTAUTH_SECRET/);
    expect(() => open(sealed)).toThrow(/KEYSMITH_ENCRYPTION_KEY or NEXTAUTH_SECRET/);
  });

  it("opens a gateway's key once per value, and stops opening it as soon as its key leaves the configuration", () => {
    const previous = randomBytes(32).toString("base64");
    process.env.NEXTAUTH_SECRET = APP_SECRET;
    process.env.KEYSMITH_ENCRYPTION_KEY = previous;
    const sealed = seal("upstream key");
    expect(openCached(sealed)).toBe("upstream key");
    expect(openCached(sealed)).toBe("upstream key");

    // Rotated, with the old key still listed as previous: still opens.
    process.env.KEYSMITH_ENCRYPTION_KEY = randomBytes(32).toString("base64");
    process.env.KEYSMITH_ENCRYPTION_KEYS_PREVIOUS = previous;
    expect(openCached(sealed)).toBe("upstream key");

    // The old key taken out: what was opened before is not answered from memory.
    delete process.env.KEYSMITH_ENCRYPTION_KEYS_PREVIOUS;
    expect(() => openCached(sealed)).toThrow(/not configured/);
  });
});
