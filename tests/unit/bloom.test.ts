import { createHash } from "node:crypto";

import { describe, expect, it } from "vitest";

import { BloomFilter } from "@/lib/tokens/bloom";

const sha = (i: number, salt: string) => createHash("sha256").update(`${salt}:${i}`).digest("hex");

describe("the known-token Bloom filter", () => {
  it("never forgets a member, and answers a non-member 'maybe' about as rarely as it was sized for", () => {
    const n = 50_000;
    const filter = new BloomFilter(n, 0.001);
    for (let i = 0; i < n; i++) filter.add(sha(i, "member"));
    for (let i = 0; i < n; i++) expect(filter.has(sha(i, "member"))).toBe(true);

    let falsePositives = 0;
    const probes = 200_000;
    for (let i = 0; i < probes; i++) if (filter.has(sha(i, "stranger"))) falsePositives++;
    // Sized for 0.1 %: 200 expected; a filter that says "maybe" to everything, or hashes badly, is far off.
    expect(falsePositives / probes).toBeLessThan(0.002);
    expect(filter.count).toBe(n);
  });

  it("takes about 1.8 MB for a million tokens at 0.1 %", () => {
    const filter = new BloomFilter(1_000_000, 0.001);
    expect(filter.bytes).toBeGreaterThan(1.7e6);
    expect(filter.bytes).toBeLessThan(1.9e6);
    expect(filter.hashes).toBe(10);
  });

  it("answers from the first 16 hex digits, which is what the build reads from the database", () => {
    const filter = new BloomFilter(1_000, 0.001);
    const hash = sha(1, "prefix");
    filter.add(hash.slice(0, 16));
    expect(filter.has(hash)).toBe(true);
  });
});
