import { describe, expect, it } from "vitest";

import { FREE_ATTEMPTS, FREE_PER_ACCOUNT, FREE_PER_ADDRESS, lockDuration, signUpKeys, throttleKeys } from "@/lib/auth/throttle";

describe("lockDuration", () => {
  it("costs nothing below the free failures", () => {
    for (let failures = 0; failures < FREE_ATTEMPTS; failures++) expect(lockDuration(failures)).toBe(0);
    for (let failures = 0; failures < FREE_PER_ADDRESS; failures++) expect(lockDuration(failures, FREE_PER_ADDRESS)).toBe(0);
  });

  it("locks from the free failures on, doubling with each further failure", () => {
    const first = lockDuration(FREE_ATTEMPTS);
    expect(first).toBeGreaterThan(0);
    expect(lockDuration(FREE_ATTEMPTS + 1)).toBe(2 * first);
    expect(lockDuration(FREE_ATTEMPTS + 2)).toBe(4 * first);
    expect(lockDuration(FREE_PER_ACCOUNT, FREE_PER_ACCOUNT)).toBe(first);
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

describe("throttle keys", () => {
  it("throttles per e-mail and address, per address, and per account with a far higher bound", () => {
    expect(throttleKeys("a@x.test", "203.0.113.9")).toEqual([
      { key: "login:a@x.test|203.0.113.9", free: FREE_ATTEMPTS },
      { key: "ip:203.0.113.9", free: FREE_PER_ADDRESS },
      { key: "email:a@x.test", free: FREE_PER_ACCOUNT },
    ]);
    expect(throttleKeys("a@x.test", null).map((k) => k.key)).toEqual(["login:a@x.test|unknown", "email:a@x.test"]);
  });

  it("an address runs out of free failures long before the account does", () => {
    expect(FREE_PER_ADDRESS).toBeLessThan(FREE_PER_ACCOUNT);
    expect(FREE_ATTEMPTS).toBeLessThan(FREE_PER_ADDRESS);
  });

  it("counts sign-ups per address", () => {
    expect(signUpKeys("198.51.100.4")).toEqual([{ key: "signup:198.51.100.4", free: expect.any(Number) }]);
  });
});
