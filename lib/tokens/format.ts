import { createHash, randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";
import { kindOfLetter, KINDS, type TokenKind } from "./kinds";

/**
 * Token format (docs/contract.md §3): `ks` + kind letter + `_` + 30 random base62 characters
 * (≈178.6 bits from the CSPRNG) + 6 base62 characters of the CRC32 of everything
 * before them. The fixed `ksw_`/`ksg_`/`kso_` prefixes let secret scanners find
 * leaked tokens; the checksum lets us reject typos and garbage without a
 * database read.
 */
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
export const RANDOM_LENGTH = 30;
export const CHECKSUM_LENGTH = 6;
export const TOKEN_LENGTH = 4 + RANDOM_LENGTH + CHECKSUM_LENGTH;
export const PREFIX_LENGTH = 8;
const TOKEN_PATTERN = /^ks([wgo])_([0-9A-Za-z]{30})([0-9A-Za-z]{6})$/;

/** Uniform base62 characters: bytes ≥ 248 are rejected so no character is more likely than another. */
function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248) out += ALPHABET[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

export function checksum(body: string): string {
  let n = crc32(body);
  let out = "";
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = ALPHABET[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

export function generateToken(kind: TokenKind): string {
  const body = `ks${KINDS[kind].letter}_${randomBase62(RANDOM_LENGTH)}`;
  return body + checksum(body);
}

/** The token's kind if it is well formed and its checksum matches, else null. Pure: no I/O. */
export function parseToken(candidate: string): TokenKind | null {
  if (candidate.length !== TOKEN_LENGTH) return null;
  const m = TOKEN_PATTERN.exec(candidate);
  if (!m) return null;
  const body = candidate.slice(0, TOKEN_LENGTH - CHECKSUM_LENGTH);
  return checksum(body) === m[3] ? kindOfLetter(m[1]) : null;
}

/** What is stored: lower-case hex SHA-256 of the full token. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The parts kept for display: the 8-character prefix and the last 4 characters. */
export function displayParts(token: string): { prefix: string; last4: string } {
  return { prefix: token.slice(0, PREFIX_LENGTH), last4: token.slice(-4) };
}

export function maskToken(prefix: string, last4: string): string {
  return `${prefix}…${last4}`;
}

/** A new secret and what may be stored about it. */
export function issueSecret(kind: TokenKind) {
  const secret = generateToken(kind);
  return { secret, hash: hashToken(secret), ...displayParts(secret) };
}
