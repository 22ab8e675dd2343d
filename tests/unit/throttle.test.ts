import { describe, expect, it } from "vitest";

import { FREE_ATTEMPTS, lockDuration, throttleKeys } from "@/lib/auth/throttle";

describe("lockDuration", () => {
  it("costs nothing below FREE_ATTEMPTS failures", () => {
    for (let failures = 0; failures < FREE_ATTEMPTS; failures++) expect(lockDuration(failures)).toBe(0);
  });

  it("locks from FREE_ATTEMPTS failures on, doubling with each further failure", () => {
    const first = lockDuration(FREE_ATTEMPTS);
    expect(first).toBeGreaterThan(0);
    expect(lockDuration(FREE_ATTEMPTS + 1)).toBe(2 * first);
    expect(lockDuration(FREE_ATTEMPTS + 2)).toBe(4 * first);
  });

  it("never grows beyond 15 minutes", () => {
    const cap = 15 * 60_000;
    expect(lockDuration(FREE_ATTEMPTS + 30)).toBe(cap);
    expect(lockDuration(10_000)).toBe(cap);
    for (let f = FREE_ATTEMPTS; f < FREE_ATTEMPTS + 40; f++) {
      expect(lockDuration(f + 1)).toBeGreaterThanOrEqual(lockDuration(f));
      expect(lockDuration(f)).toBeLessThanOrEqual(cap);
    }
  });
});

describe("throttleKeys", () => {
  it("throttles per e-mail and, when known, per client address", () => {
    expect(throttleKeys("a@x.test", "203.0.113.9")).toEqual(["email:a@x.test", "ip:203.0.113.9"]);
    expect(throttleKeys("a@x.test", null)).toEqual(["email:a@x.test"]);
  });
});
