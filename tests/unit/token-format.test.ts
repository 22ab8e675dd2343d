import { createHash } from "node:crypto";

import { describe, expect, it } from "vitest";

import {
  checksum,
  CHECKSUM_LENGTH,
  displayParts,
  generateToken,
  hashToken,
  issueSecret,
  maskToken,
  parseToken,
  PREFIX_LENGTH,
  TOKEN_LENGTH,
} from "@/lib/tokens/format";
import type { TokenKind } from "@/lib/tokens/kinds";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const KINDS: Array<[TokenKind, string]> = [
  ["WORKSPACE", "ksw_"],
  ["GATEWAY", "ksg_"],
  ["ORGANIZATION", "kso_"],
];

/** An independent bitwise CRC-32 (IEEE 802.3, reflected, poly 0xEDB88320): the reference for checksum(). */
function referenceCrc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text, "utf8")) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Fixed-width (6 digits), most significant first, base62 over 0-9A-Za-z. */
function referenceBase62(n: number): string {
  let out = "";
  for (let i = 0; i < 6; i++) {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

function replaceAt(text: string, index: number, char: string): string {
  return text.slice(0, index) + char + text.slice(index + 1);
}

describe("token format", () => {
  it.each(KINDS)("a %s token is %s + 30 random base62 characters + a 6-character checksum", (kind, prefix) => {
    const token = generateToken(kind);

    expect(TOKEN_LENGTH).toBe(40);
    expect(token).toHaveLength(40);
    expect(token.startsWith(prefix)).toBe(true);
    expect(token.slice(4)).toMatch(/^[0-9A-Za-z]{36}$/);
    expect(token.slice(-CHECKSUM_LENGTH)).toBe(checksum(token.slice(0, 34)));
    expect(parseToken(token)).toBe(kind);
  });

  it("never repeats a token, and draws from the whole base62 alphabet", () => {
    const tokens = Array.from({ length: 2000 }, () => generateToken("WORKSPACE"));
    expect(new Set(tokens).size).toBe(tokens.length);

    const seen = new Set(tokens.flatMap((t) => [...t.slice(4, 34)]));
    expect([...seen].sort().join("")).toBe([...BASE62].sort().join(""));
  });

  it("keeps the 8-character prefix and the last 4 characters for display", () => {
    const token = generateToken("WORKSPACE");
    const parts = displayParts(token);

    expect(PREFIX_LENGTH).toBe(8);
    expect(parts).toEqual({ prefix: token.slice(0, 8), last4: token.slice(36) });
    expect(parts.prefix).toMatch(/^ksw_[0-9A-Za-z]{4}$/);
    expect(parts.last4).toMatch(/^[0-9A-Za-z]{4}$/);
  });

  it("issues a secret together with exactly what may be stored about it", () => {
    const issued = issueSecret("GATEWAY");

    expect(parseToken(issued.secret)).toBe("GATEWAY");
    expect(issued).toEqual({ secret: issued.secret, hash: hashToken(issued.secret), ...displayParts(issued.secret) });
  });
});

describe("token checksum", () => {
  it("is the CRC-32 of the first 34 characters, as 6 base62 digits (known vector)", () => {
    // The standard CRC-32 check value: crc32("123456789") = 0xCBF43926.
    expect(referenceCrc32("123456789")).toBe(0xcbf43926);
    expect(checksum("123456789")).toBe(referenceBase62(0xcbf43926));
    expect(checksum("123456789")).toBe("3jZRME");

    for (const [kind] of KINDS) {
      const token = generateToken(kind);
      const body = token.slice(0, 34);
      expect(token.slice(34)).toBe(referenceBase62(referenceCrc32(body)));
    }
  });

  it("rejects every single-character change at every position", () => {
    for (const [kind] of KINDS) {
      for (let sample = 0; sample < 5; sample++) {
        const token = generateToken(kind);
        const accepted: string[] = [];
        for (let i = 0; i < token.length; i++) {
          for (const char of BASE62) {
            if (char === token[i]) continue;
            const mutated = replaceAt(token, i, char);
            if (parseToken(mutated) !== null) accepted.push(`${i}:${char}`);
          }
        }
        expect(accepted, `mutations of ${token} that still parse`).toEqual([]);
      }
    }
  });

  it("rejects a token whose kind letter was changed, even with a recomputed-looking shape", () => {
    const token = generateToken("WORKSPACE");
    expect(parseToken(replaceAt(token, 2, "g"))).toBeNull();
    expect(parseToken(replaceAt(token, 2, "o"))).toBeNull();

    // A valid checksum over an unknown kind letter is still not a token.
    const unknownKind = `ksx_${token.slice(4, 34)}`;
    expect(parseToken(unknownKind + checksum(unknownKind))).toBeNull();

    // The same random part under another (valid) kind letter with its own checksum is that kind.
    const asGateway = `ksg_${token.slice(4, 34)}`;
    expect(parseToken(asGateway + checksum(asGateway))).toBe("GATEWAY");
  });

  it("rejects malformed candidates without throwing", () => {
    const token = generateToken("ORGANIZATION");
    const candidates = [
      "",
      "kso_",
      token.slice(0, -1),
      `${token}0`,
      ` ${token.slice(1)}`,
      token.toUpperCase(),
      token.replace("kso_", "KSO_"),
      token.replace("_", "-"),
      `${token.slice(0, 20)}-${token.slice(21)}`,
      `${token.slice(0, 20)}é${token.slice(21)}`,
    ];
    for (const candidate of candidates) expect(parseToken(candidate), candidate).toBeNull();
  });
});

describe("hashToken and maskToken", () => {
  it("hashes with SHA-256 as lower-case hex", () => {
    expect(hashToken("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const token = generateToken("WORKSPACE");
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).toBe(createHash("sha256").update(token).digest("hex"));
  });

  it("masks as the prefix, an ellipsis, and the last 4", () => {
    expect(maskToken("ksw_AbC1", "9xYz")).toBe("ksw_AbC1…9xYz");

    const token = generateToken("WORKSPACE");
    const { prefix, last4 } = displayParts(token);
    const masked = maskToken(prefix, last4);
    expect(masked).toMatch(/^ksw_[0-9A-Za-z]{4}…[0-9A-Za-z]{4}$/);
    expect(masked).toBe(`${token.slice(0, 8)}\u2026${token.slice(-4)}`);
  });
});
