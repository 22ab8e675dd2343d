import { describe, expect, it } from "vitest";

import type { PrismaClient } from "@/lib/generated/prisma/client";
import { checksum, generateToken } from "@/lib/tokens/format";
import { verifyToken } from "@/lib/tokens/verify";

/** A database that fails the test if anything reads from it. */
const untouchable = new Proxy({} as PrismaClient, {
  get(_target, property) {
    throw new Error(`the database was read (${String(property)}) for a token that cannot be valid`);
  },
});

describe("verifyToken without a database read", () => {
  it("rejects malformed and bad-checksum tokens before touching the database", async () => {
    const token = generateToken("WORKSPACE");
    const last = token.at(-1) === "A" ? "B" : "A";
    const unknownKind = `ksx_${token.slice(4, 34)}`;
    const candidates = [
      "",
      "garbage",
      `${token.slice(0, -1)}${last}`,
      token.slice(0, -1),
      unknownKind + checksum(unknownKind),
    ];
    for (const candidate of candidates) {
      await expect(verifyToken(untouchable, candidate), candidate).resolves.toBeNull();
    }
  });

  it("does look a well-formed token up (the stub proves the guard above is meaningful)", async () => {
    await expect(verifyToken(untouchable, generateToken("WORKSPACE"))).rejects.toThrow(/database was read/);
  });
});
