import { afterEach, describe, expect, it, vi } from "vitest";

import { expiresAt, expiryInput as expirySchema } from "@/lib/schemas/tokens";
import { allowedActions, authenticates, displayStatus, type DisplayStatus } from "@/lib/tokens/status";

const DAY = 86_400_000;
const NOW = new Date("2031-06-15T12:34:56.789Z");

afterEach(() => {
  vi.useRealTimers();
});

describe("displayStatus", () => {
  it("shows the stored status while the token has not expired", () => {
    expect(displayStatus({ status: "ACTIVE", expiresAt: null }, NOW)).toBe("ACTIVE");
    expect(displayStatus({ status: "INACTIVE", expiresAt: null }, NOW)).toBe("INACTIVE");
    expect(displayStatus({ status: "ACTIVE", expiresAt: new Date(NOW.getTime() + 1) }, NOW)).toBe("ACTIVE");
    expect(displayStatus({ status: "INACTIVE", expiresAt: new Date(NOW.getTime() + DAY) }, NOW)).toBe("INACTIVE");
  });

  it("derives EXPIRED once the expiry is reached (the boundary instant is expired)", () => {
    expect(displayStatus({ status: "ACTIVE", expiresAt: new Date(NOW.getTime() - 1) }, NOW)).toBe("EXPIRED");
    expect(displayStatus({ status: "ACTIVE", expiresAt: new Date(NOW.getTime()) }, NOW)).toBe("EXPIRED");
    expect(displayStatus({ status: "INACTIVE", expiresAt: new Date(NOW.getTime()) }, NOW)).toBe("EXPIRED");
  });

  it("shows REVOKED over EXPIRED", () => {
    expect(displayStatus({ status: "REVOKED", expiresAt: new Date(NOW.getTime() - DAY) }, NOW)).toBe("REVOKED");
    expect(displayStatus({ status: "REVOKED", expiresAt: null }, NOW)).toBe("REVOKED");
  });

  it("authenticates only ACTIVE, unexpired tokens", () => {
    expect(authenticates({ status: "ACTIVE", expiresAt: null }, NOW)).toBe(true);
    expect(authenticates({ status: "ACTIVE", expiresAt: new Date(NOW.getTime() + 1) }, NOW)).toBe(true);
    expect(authenticates({ status: "ACTIVE", expiresAt: NOW }, NOW)).toBe(false);
    expect(authenticates({ status: "INACTIVE", expiresAt: null }, NOW)).toBe(false);
    expect(authenticates({ status: "REVOKED", expiresAt: null }, NOW)).toBe(false);
  });
});

describe("allowedActions", () => {
  it.each<[DisplayStatus, ReturnType<typeof allowedActions>]>([
    ["ACTIVE", { regenerate: true, deactivate: true, activate: false, revoke: true }],
    ["INACTIVE", { regenerate: true, deactivate: false, activate: true, revoke: true }],
    ["EXPIRED", { regenerate: false, deactivate: false, activate: false, revoke: true }],
    ["REVOKED", { regenerate: false, deactivate: false, activate: false, revoke: false }],
  ])("%s allows %o", (status, expected) => {
    expect(allowedActions(status)).toEqual(expected);
  });
});

describe("expiresAt", () => {
  it.each([
    ["7d", 7],
    ["30d", 30],
    ["90d", 90],
  ] as const)("%s expires exactly %i days from now", (expiration, days) => {
    expect(expiresAt({ expiration }, NOW)).toEqual(new Date(NOW.getTime() + days * DAY));
  });

  it("never expires with 'never'", () => {
    expect(expiresAt({ expiration: "never" }, NOW)).toBeNull();
  });

  it("keeps a custom-date token valid through that whole UTC day", () => {
    const at = expiresAt({ expiration: "custom", expiresOn: "2031-07-04" }, NOW);
    expect(at).toEqual(new Date("2031-07-05T00:00:00.000Z"));

    const token = { status: "ACTIVE" as const, expiresAt: at };
    expect(displayStatus(token, new Date("2031-07-04T00:00:00.000Z"))).toBe("ACTIVE");
    expect(displayStatus(token, new Date("2031-07-04T23:59:59.999Z"))).toBe("ACTIVE");
    expect(displayStatus(token, new Date("2031-07-05T00:00:00.000Z"))).toBe("EXPIRED");
  });
});

describe("expirySchema", () => {
  function issuesOf(input: unknown) {
    const result = expirySchema.safeParse(input);
    return result.success ? [] : result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
  }

  it("accepts the preset choices without a date", () => {
    for (const expiration of ["7d", "30d", "90d", "never"]) expect(issuesOf({ expiration })).toEqual([]);
  });

  it("rejects an unknown choice", () => {
    expect(issuesOf({ expiration: "1y" })).toEqual([{ path: "expiration", message: "Choose when the token expires." }]);
    expect(issuesOf({})).toEqual([{ path: "expiration", message: "Choose when the token expires." }]);
  });

  it("requires a well-formed date for a custom expiry", () => {
    expect(issuesOf({ expiration: "custom" })).toEqual([{ path: "expiresOn", message: "Pick a date." }]);
    expect(issuesOf({ expiration: "custom", expiresOn: "" })).toEqual([{ path: "expiresOn", message: "Pick a date." }]);
    expect(issuesOf({ expiration: "custom", expiresOn: "2099-1-2" })).toEqual([{ path: "expiresOn", message: "Pick a date." }]);
    expect(issuesOf({ expiration: "custom", expiresOn: "2099-13-01" })).toEqual([{ path: "expiresOn", message: "Pick a date." }]);
    expect(issuesOf({ expiration: "custom", expiresOn: "next week" })).toEqual([{ path: "expiresOn", message: "Pick a date." }]);
  });

  // Regression: Date.parse rolls over impossible dates, so
  // "2099-02-30" passes and silently becomes an expiry on 2099-03-03. Enable once fixed.
  it("rejects a calendar date that does not exist", () => {
    expect(issuesOf({ expiration: "custom", expiresOn: "2099-02-30" })).toEqual([{ path: "expiresOn", message: "Pick a date." }]);
  });

  it("rejects a past custom date, accepts today (valid through today, UTC) and later days", () => {
    vi.useFakeTimers({ now: NOW, toFake: ["Date"] });
    expect(issuesOf({ expiration: "custom", expiresOn: "2000-01-01" })).toEqual([
      { path: "expiresOn", message: "Pick a date in the future." },
    ]);
    expect(issuesOf({ expiration: "custom", expiresOn: "2031-06-14" })).toEqual([
      { path: "expiresOn", message: "Pick a date in the future." },
    ]);
    expect(issuesOf({ expiration: "custom", expiresOn: "2031-06-15" })).toEqual([]);
    expect(issuesOf({ expiration: "custom", expiresOn: "2031-06-16" })).toEqual([]);
  });
});
