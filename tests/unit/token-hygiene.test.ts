import { describe, expect, it } from "vitest";

import { routePattern } from "@/lib/data-plane/router";
import { reminderThreshold } from "@/lib/jobs/expiry-reminders";
import { expiryChoicesFor, tokenDescription, tokenListQuery } from "@/lib/schemas/tokens";
import { tokenPolicyInput } from "@/lib/schemas/token-policy";
import { hygieneBadges, safeSearch, tokenNeedle } from "@/lib/tokens/hygiene";
import { beyondPolicy, latestExpiry, lifetimeProblem, NO_POLICY } from "@/lib/tokens/lifetime";
import { outcomeIndex } from "@/lib/tokens/usage";

const DAY = 86_400_000;
const SECRET = "ksw_bUlHi5CG7oyJRxn6f5iP8gHT3JENgj3rBxSx";

describe("token search", () => {
  it("reads prefixes and masked tokens, and reduces a whole token to its masked form", () => {
    expect(tokenNeedle("ksw_bUlH")).toEqual({ prefix: "ksw_bUlH", last4: null });
    expect(tokenNeedle("ksg_")).toEqual({ prefix: "ksg_", last4: null });
    expect(tokenNeedle("ksw_bUlH…BxSx")).toEqual({ prefix: "ksw_bUlH", last4: "BxSx" });
    expect(tokenNeedle(" ksw_bUlH...BxSx ")).toEqual({ prefix: "ksw_bUlH", last4: "BxSx" });
    expect(tokenNeedle(SECRET)).toEqual({ prefix: "ksw_bUlH", last4: "BxSx" });
    expect(tokenNeedle("deploy bot")).toBeNull();
    expect(tokenNeedle("ksx_abcd")).toBeNull();
  });

  it("never lets a whole token into a URL", () => {
    expect(safeSearch(SECRET)).toBe("ksw_bUlH…BxSx");
    expect(safeSearch(`  ${SECRET}\n`)).toBe("ksw_bUlH…BxSx");
    expect(safeSearch("deploy")).toBe("deploy");
    expect(safeSearch("x".repeat(300))).toHaveLength(100);
  });
});

describe("hygiene badges", () => {
  const now = Date.parse("2026-12-01T12:00:00Z");
  const token = (over: Partial<{ status: "ACTIVE" | "INACTIVE" | "EXPIRED" | "REVOKED"; createdAt: string; lastUsedAt: string | null; expiresAt: string | null }>) => ({
    status: "ACTIVE" as const,
    createdAt: new Date(now - 2 * DAY).toISOString(),
    lastUsedAt: null,
    expiresAt: null,
    ...over,
  });
  const labels = (t: Parameters<typeof hygieneBadges>[0]) => hygieneBadges(t, now).map((b) => b.label);

  it("says never used, unused for N days from 30 on, and expires in N days within a week", () => {
    expect(labels(token({}))).toEqual(["Never used"]);
    expect(labels(token({ createdAt: new Date(now - 45 * DAY).toISOString() }))).toEqual(["Never used", "Unused for 45 days"]);
    expect(labels(token({ lastUsedAt: new Date(now - 29 * DAY).toISOString() }))).toEqual([]);
    expect(labels(token({ lastUsedAt: new Date(now - 30 * DAY).toISOString() }))).toEqual(["Unused for 30 days"]);
    expect(labels(token({ lastUsedAt: new Date(now).toISOString(), expiresAt: new Date(now + 3 * DAY).toISOString() }))).toEqual(["Expires in 3 days"]);
    expect(labels(token({ lastUsedAt: new Date(now).toISOString(), expiresAt: new Date(now + 5 * 3_600_000).toISOString() }))).toEqual(["Expires in 5 hours"]);
    expect(labels(token({ lastUsedAt: new Date(now).toISOString(), expiresAt: new Date(now + 8 * DAY).toISOString() }))).toEqual([]);
    expect(hygieneBadges(token({ lastUsedAt: new Date(now).toISOString(), expiresAt: new Date(now + 3_600_000).toISOString() }), now)[0].tone).toBe("red");
  });

  it("leaves revoked and expired tokens alone", () => {
    expect(labels(token({ status: "REVOKED" }))).toEqual([]);
    expect(labels(token({ status: "EXPIRED" }))).toEqual([]);
  });
});

describe("the lifetime policy", () => {
  const from = new Date("2026-12-01T15:30:00Z");
  const max30 = { maxLifetimeDays: 30, expiryRequired: true };

  it("allows through the end of the UTC day the maximum lands on", () => {
    expect(latestExpiry(max30, from)?.toISOString()).toBe("2027-01-01T00:00:00.000Z");
    expect(latestExpiry(NO_POLICY, from)).toBeNull();
    expect(lifetimeProblem(max30, from, new Date(from.getTime() + 30 * DAY))).toBeNull();
    expect(lifetimeProblem(max30, from, new Date("2027-01-01T00:00:00Z"))).toBeNull();
    expect(lifetimeProblem(max30, from, new Date("2027-01-01T00:00:00.001Z"))).toMatch(/at most 30 days: choose an expiry on or before 2026-12-31/);
  });

  it("names the policy when an expiry is missing", () => {
    expect(lifetimeProblem(max30, from, null)).toMatch(/token policy allows a lifetime of at most 30 days/);
    expect(lifetimeProblem({ maxLifetimeDays: null, expiryRequired: true }, from, null)).toBe("The organization's token policy requires an expiry date.");
    expect(lifetimeProblem(NO_POLICY, from, null)).toBeNull();
  });

  it("flags a token by its lifetime from creation or its last regeneration", () => {
    const t = { createdAt: "2026-01-01T00:00:00Z", regeneratedAt: null, expiresAt: "2026-06-01T00:00:00Z" };
    expect(beyondPolicy(max30, t)).toBe(true);
    expect(beyondPolicy(max30, { ...t, regeneratedAt: "2026-05-10T00:00:00Z" })).toBe(false);
    expect(beyondPolicy(max30, { ...t, expiresAt: null })).toBe(true);
    expect(beyondPolicy(NO_POLICY, { ...t, expiresAt: null })).toBe(false);
  });

  it("offers only the expiry choices it allows", () => {
    expect(expiryChoicesFor(NO_POLICY)).toEqual(["7d", "30d", "90d", "custom", "never"]);
    expect(expiryChoicesFor(max30)).toEqual(["7d", "30d", "custom"]);
    expect(expiryChoicesFor({ maxLifetimeDays: 365, expiryRequired: true })).toEqual(["7d", "30d", "90d", "custom"]);
    expect(expiryChoicesFor({ maxLifetimeDays: null, expiryRequired: true })).toEqual(["7d", "30d", "90d", "custom"]);
  });

  it("reads Settings' form: a maximum implies an expiry; only the offered lifetimes pass", () => {
    expect(tokenPolicyInput.parse({ maxLifetimeDays: "90" })).toEqual({ maxLifetimeDays: 90, expiryRequired: true });
    expect(tokenPolicyInput.parse({ maxLifetimeDays: "none", expiryRequired: "on" })).toEqual({ maxLifetimeDays: null, expiryRequired: true });
    expect(tokenPolicyInput.parse({ maxLifetimeDays: "none" })).toEqual({ maxLifetimeDays: null, expiryRequired: false });
    expect(tokenPolicyInput.safeParse({ maxLifetimeDays: "45" }).success).toBe(false);
  });
});

describe("small rules", () => {
  it("sorts answers into outcomes", () => {
    expect([200, 201, 204, 403, 429, 400, 404, 409, 413, 500, 502].map(outcomeIndex)).toEqual([0, 0, 0, 1, 2, 3, 3, 3, 3, 3, 3]);
  });

  it("names a route by its pattern", () => {
    expect(routePattern("/api/v1/app/tokens/[id]/usage")).toBe("/api/v1/app/tokens/{id}/usage");
    expect(routePattern("/api/v1/[...rest]")).toBe("/api/v1/{rest}");
    expect(routePattern("/api/v1/app/me")).toBe("/api/v1/app/me");
  });

  it("sends each reminder under its threshold", () => {
    expect([7, 6, 2, 1].map(reminderThreshold)).toEqual([7, 7, 7, 1]);
  });

  it("keeps a description's line breaks as the form posts them (CR LF), as LF", () => {
    expect(tokenDescription.parse("one\r\ntwo\rthree")).toBe("one\ntwo\nthree");
    expect(tokenDescription.safeParse("bell\u0007").success).toBe(false);
    expect(tokenDescription.safeParse("x".repeat(501)).success).toBe(false);
  });

  it("reads a list's URL state, falling back to the defaults for anything unknown", () => {
    expect(tokenListQuery.parse({})).toEqual({ q: undefined, sort: "created", dir: "desc" });
    expect(tokenListQuery.parse({ sort: "expiry" })).toMatchObject({ sort: "expiry", dir: "asc" });
    expect(tokenListQuery.parse({ sort: "bogus", status: "NOPE", filter: "never_used", q: "  ci " })).toEqual({ q: "ci", sort: "created", dir: "desc", filter: "never_used", status: undefined });
  });
});
