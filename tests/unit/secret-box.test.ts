import { afterEach, describe, expect, it } from "vitest";

import { open, seal } from "@/lib/crypto/secret-box";

const APP_SECRET = "unit-test-app-secret";

/** Flips one base64url character of the given dot-separated part. */
function tamper(sealed: string, part: 1 | 2 | 3): string {
  const parts = sealed.split(".");
  const s = parts[part];
  parts[part] = (s[0] === "A" ? "B" : "A") + s.slice(1);
  return parts.join(".");
}

describe("secret-box (upstream API keys at rest)", () => {
  const savedEnv = process.env.NEXTAUTH_SECRET;
  afterEach(() => {
    if (savedEnv === undefined) delete process.env.NEXTAUTH_SECRET;
    else process.env.NEXTAUTH_SECRET = savedEnv;
  });

  it("opens what it sealed, including empty and non-ASCII values", () => {
    for (const plaintext of ["sk-ant-api03-abcdef", "", "ключ 🔑 with spaces"]) {
      const sealed = seal(plaintext, APP_SECRET);
      expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]*$/);
      expect(sealed).not.toContain(plaintext || "\u0000");
      expect(open(sealed, APP_SECRET)).toBe(plaintext);
    }
  });

  it("never seals the same value the same way twice (random IV)", () => {
    const a = seal("same key", APP_SECRET);
    const b = seal("same key", APP_SECRET);
    expect(a).not.toBe(b);
    expect(open(a, APP_SECRET)).toBe(open(b, APP_SECRET));
  });

  it("refuses a tampered IV, tag or ciphertext", () => {
    const sealed = seal("sk-upstream-secret", APP_SECRET);
    for (const part of [1, 2, 3] as const) {
      expect(() => open(tamper(sealed, part), APP_SECRET)).toThrow();
    }
    // Truncated or re-versioned values are refused too.
    expect(() => open(sealed.split(".").slice(0, 3).join("."), APP_SECRET)).toThrow();
    expect(() => open(sealed.replace(/^v1/, "v2"), APP_SECRET)).toThrow(/Unrecognized/);
  });

  it("refuses to open with a different app secret", () => {
    const sealed = seal("sk-upstream-secret", APP_SECRET);
    expect(() => open(sealed, `${APP_SECRET}-rotated`)).toThrow();
  });

  it("uses NEXTAUTH_SECRET by default, and says so when it is missing", () => {
    process.env.NEXTAUTH_SECRET = APP_SECRET;
    const sealed = seal("from env");
    expect(open(sealed, APP_SECRET)).toBe("from env");
    expect(open(seal("explicit", APP_SECRET))).toBe("explicit");

    delete process.env.NEXTAUTH_SECRET;
    expect(() => seal("x")).toThrow(/NEXTAUTH_SECRET/);
    expect(() => open(sealed)).toThrow(/NEXTAUTH_SECRET/);
  });
});
