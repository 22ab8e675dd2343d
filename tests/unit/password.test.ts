import { describe, expect, it } from "vitest";

import { hashPassword, verifyPassword } from "@/lib/auth/password";

describe("password hashing", () => {
  it("verifies the right password and rejects a wrong one", async () => {
    const hash = await hashPassword("correct horse battery");
    expect(await verifyPassword("correct horse battery", hash)).toBe(true);
    expect(await verifyPassword("correct horse batterx", hash)).toBe(false);
    expect(await verifyPassword("", hash)).toBe(false);
  });

  it("embeds the algorithm and its parameters, and salts every hash", async () => {
    const a = await hashPassword("same password");
    const b = await hashPassword("same password");
    const [algo, n, r, p, salt, key] = a.split("$");
    expect(algo).toBe("scrypt");
    expect(Number(n)).toBeGreaterThanOrEqual(2 ** 14);
    expect(Number(r)).toBeGreaterThanOrEqual(8);
    expect(Number(p)).toBeGreaterThanOrEqual(1);
    expect(Buffer.from(salt, "base64").length).toBeGreaterThanOrEqual(16);
    expect(Buffer.from(key, "base64").length).toBeGreaterThanOrEqual(32);
    expect(a).not.toBe(b);
    expect(a).not.toContain("same password");
  });

  it("verifies with the parameters stored in the hash, not the current defaults", async () => {
    const hash = await hashPassword("pw-with-params");
    const parts = hash.split("$");
    // The same salt and key with a different cost parameter must not verify.
    const otherCost = ["scrypt", "16384", parts[2], parts[3], parts[4], parts[5]].join("$");
    expect(await verifyPassword("pw-with-params", otherCost)).toBe(false);
  });

  it("rejects a tampered or malformed hash", async () => {
    const hash = await hashPassword("tamper me");
    const parts = hash.split("$");
    const key = Buffer.from(parts[5], "base64");
    key[0] ^= 1;
    const flippedKey = [...parts.slice(0, 5), key.toString("base64")].join("$");
    const otherSalt = [...parts.slice(0, 4), Buffer.alloc(16).toString("base64"), parts[5]].join("$");

    expect(await verifyPassword("tamper me", flippedKey)).toBe(false);
    expect(await verifyPassword("tamper me", otherSalt)).toBe(false);
    expect(await verifyPassword("tamper me", hash.replace(/^scrypt/, "bcrypt"))).toBe(false);
    expect(await verifyPassword("tamper me", parts.slice(0, 5).join("$"))).toBe(false);
    expect(await verifyPassword("tamper me", "")).toBe(false);
  });

  it("treats canonically equal Unicode spellings as the same password", async () => {
    const hash = await hashPassword("caf\u00e9-password");
    expect(await verifyPassword("cafe\u0301-password", hash)).toBe(true);
  });
});
