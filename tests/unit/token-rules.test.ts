import { randomBytes } from "node:crypto";

import { describe, expect, it } from "vitest";

import { formValues } from "@/lib/schemas/form";
import { OVERLAP_CHOICES, overlapMs, parseIpAllowlist, parseIpRule, rulesInput as rulesInputSchema } from "@/lib/schemas/tokens";
import { monthStart, nextMonthStart } from "@/lib/time";
import { compileAllowlist } from "@/lib/tokens/ip-allowlist";
import { rateHeaders, takeRate } from "@/lib/tokens/rate-window";

/** Rate windows live in one process-wide map keyed by token id: every test uses ids of its own. */
const tokenId = () => `tok_${randomBytes(6).toString("hex")}`;

/** 2030-05-17 12:34:00.000 UTC: the start of a UTC minute. */
const MINUTE = Date.UTC(2030, 4, 17, 12, 34, 0, 0);

function matcher(rules: string[]) {
  const m = compileAllowlist(rules);
  if (!m) throw new Error("expected a matcher for a non-empty allowlist");
  return m;
}

describe("parseIpRule", () => {
  it.each([
    ["203.0.113.7", "203.0.113.7"],
    ["10.0.0.0/8", "10.0.0.0/8"],
    ["  10.0.0.0/8  ", "10.0.0.0/8"],
    ["10.0.0.0/08", "10.0.0.0/8"],
    ["0.0.0.0/0", "0.0.0.0/0"],
    ["192.0.2.1/32", "192.0.2.1/32"],
    ["2001:db8::/32", "2001:db8::/32"],
    ["2001:DB8::/32", "2001:db8::/32"],
    ["2001:db8::1", "2001:db8::1"],
    ["::/0", "::/0"],
    ["::1/128", "::1/128"],
  ])("accepts %j as %j", (raw, rule) => {
    expect(parseIpRule(raw)).toEqual({ rule });
  });

  it.each([
    ["10.0.0.0/33", /invalid prefix length \(0–32\)/],
    ["2001:db8::/129", /invalid prefix length \(0–128\)/],
    ["10.0.0.0/", /invalid prefix length/],
    ["10.0.0.0/-1", /invalid prefix length/],
    ["10.0.0.0/8a", /invalid prefix length/],
    ["300.1.1.1", /is not an IP address or CIDR range/],
    ["abc", /is not an IP address or CIDR range/],
    ["1.2.3.4/8/1", /is not an IP address or CIDR range/],
    ["10.0.0/8", /is not an IP address or CIDR range/],
    ["example.com", /is not an IP address or CIDR range/],
  ])("refuses %j, naming the entry", (raw, reason) => {
    const parsed = parseIpRule(raw);
    expect(parsed).toEqual({ error: expect.any(String) });
    const { error } = parsed as { error: string };
    expect(error).toContain(`"${raw}"`);
    expect(error).toMatch(reason);
  });
});

describe("parseIpAllowlist", () => {
  it("splits on commas and any whitespace, and drops duplicates (after normalizing)", () => {
    expect(parseIpAllowlist("10.0.0.0/8, 192.0.2.1\n2001:db8::/32\t10.0.0.0/8 2001:DB8::/32,,192.0.2.1 10.0.0.0/08")).toEqual({
      rules: ["10.0.0.0/8", "192.0.2.1", "2001:db8::/32"],
    });
  });

  it("is empty for empty or blank text", () => {
    expect(parseIpAllowlist("")).toEqual({ rules: [] });
    expect(parseIpAllowlist(" \n ,, ")).toEqual({ rules: [] });
  });

  it.each(["10.0.0.0/33", "300.1.1.1", "abc", "1.2.3.4/8/1"])("fails on the first bad entry and names it: %j", (bad) => {
    const parsed = parseIpAllowlist(`192.0.2.1, ${bad}, 10.0.0.0/8, also-bad`);
    expect(parsed).toEqual({ error: expect.stringContaining(`"${bad}"`) });
    expect((parsed as { error: string }).error).not.toContain("also-bad");
  });

  it("allows at most 100 entries", () => {
    const entries = (n: number) => Array.from({ length: n }, (_, i) => `10.0.${Math.floor(i / 256)}.${i % 256}`).join("\n");
    expect(parseIpAllowlist(entries(100))).toMatchObject({ rules: expect.any(Array) });
    expect(parseIpAllowlist(entries(101))).toEqual({ error: "At most 100 entries." });
  });
});

describe("compileAllowlist", () => {
  it("is null (no restriction) for an empty list", () => {
    expect(compileAllowlist([])).toBeNull();
  });

  it("matches IPv4 CIDR ranges", () => {
    const m = matcher(["10.0.0.0/8"]);
    expect(m.allows("10.0.0.0")).toBe(true);
    expect(m.allows("10.255.1.2")).toBe(true);
    expect(m.allows("10.255.255.255")).toBe(true);
    expect(m.allows("11.0.0.1")).toBe(false);
    expect(m.allows("9.255.255.255")).toBe(false);
  });

  it("answers the same for an address asked again, also after more addresses than it remembers", () => {
    const m = matcher(["10.0.0.0/24"]);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 1_500; i++) {
        const ip = `10.0.${i % 6}.${Math.floor(i / 6) % 250}`; // 1,500 distinct
        expect(m.allows(ip), ip).toBe(i % 6 === 0);
      }
      expect(m.allows("garbage")).toBe(false);
      expect(m.allows("")).toBe(false);
    }
  });

  it("matches single IPv4 addresses exactly", () => {
    const m = matcher(["203.0.113.7"]);
    expect(m.allows("203.0.113.7")).toBe(true);
    expect(m.allows("203.0.113.8")).toBe(false);
  });

  it("matches IPv6 CIDR ranges", () => {
    const m = matcher(["2001:db8::/32"]);
    expect(m.allows("2001:db8::1")).toBe(true);
    expect(m.allows("2001:db8:ffff::1")).toBe(true);
    expect(m.allows("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")).toBe(true);
    expect(m.allows("2001:db9::1")).toBe(false);
    expect(m.allows("2001:db7:ffff::1")).toBe(false);
  });

  it("matches a single IPv6 address in any spelling", () => {
    const m = matcher(["2001:db8::1"]);
    expect(m.allows("2001:db8::1")).toBe(true);
    expect(m.allows("2001:DB8:0:0:0:0:0:1")).toBe(true);
    expect(m.allows("2001:db8::2")).toBe(false);
  });

  it("lets /0 admit every address of its own family", () => {
    const v4 = matcher(["0.0.0.0/0"]);
    for (const ip of ["0.0.0.0", "1.2.3.4", "255.255.255.255"]) expect(v4.allows(ip), ip).toBe(true);
    const v6 = matcher(["::/0"]);
    for (const ip of ["::", "::1", "2001:db8::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"]) expect(v6.allows(ip), ip).toBe(true);
  });

  it("never matches an IPv4 rule against an IPv6 caller", () => {
    const m = matcher(["10.0.0.0/8", "0.0.0.0/0"]);
    expect(m.allows("2001:db8::1")).toBe(false);
    expect(m.allows("::1")).toBe(false);
  });

  it("never matches an IPv6 rule against an IPv4 caller", () => {
    expect(matcher(["2001:db8::/32"]).allows("10.0.0.1")).toBe(false);
    expect(matcher(["::1"]).allows("127.0.0.1")).toBe(false);
    // "::/0" means "any IPv6 address". Node's BlockList checks an IPv4 address
    // against IPv6 ranges as ::ffff:a.b.c.d, which ::/0 contains.
    expect(matcher(["::/0"]).allows("1.2.3.4")).toBe(false);
  });

  it("matches against every rule of a mixed list", () => {
    const m = matcher(["10.0.0.0/8", "203.0.113.7", "2001:db8::/32"]);
    expect(m.allows("10.1.2.3")).toBe(true);
    expect(m.allows("203.0.113.7")).toBe(true);
    expect(m.allows("2001:db8::abcd")).toBe(true);
    expect(m.allows("192.0.2.1")).toBe(false);
    expect(m.allows("2001:db9::1")).toBe(false);
  });

  it("denies a caller without an address, or with something that is not one", () => {
    const m = matcher(["0.0.0.0/0", "::/0"]);
    expect(m.allows(null)).toBe(false);
    expect(m.allows("")).toBe(false);
    expect(m.allows("not-an-ip")).toBe(false);
    expect(m.allows("10.0.0.1/8")).toBe(false);
  });
});

describe("takeRate", () => {
  it("allows exactly `limit` calls in a minute, then refuses with nothing remaining", () => {
    const id = tokenId();
    const at = MINUTE + 10_250; // 12:34:10.250
    const decisions = Array.from({ length: 5 }, (_, i) => takeRate(id, 3, at + i * 1_000));

    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false, false]);
    expect(decisions.map((d) => d.remaining)).toEqual([2, 1, 0, 0, 0]);
    expect(decisions.every((d) => d.limit === 3)).toBe(true);
    // Seconds to 12:35:00, rounded up.
    expect(decisions.map((d) => d.resetSeconds)).toEqual([50, 49, 48, 47, 46]);
  });

  it("counts tokens separately", () => {
    const a = tokenId();
    const b = tokenId();
    expect(takeRate(a, 1, MINUTE).allowed).toBe(true);
    expect(takeRate(a, 1, MINUTE).allowed).toBe(false);
    expect(takeRate(b, 1, MINUTE).allowed).toBe(true);
  });

  it("starts a new window on the UTC minute boundary", () => {
    const id = tokenId();
    const lastMs = MINUTE + 59_999; // 12:34:59.999
    const nextMinute = MINUTE + 60_000; // 12:35:00.000

    expect(takeRate(id, 2, MINUTE + 1).allowed).toBe(true);
    const last = takeRate(id, 2, lastMs);
    expect(last).toEqual({ allowed: true, limit: 2, remaining: 0, resetSeconds: 1 });
    expect(takeRate(id, 2, lastMs)).toEqual({ allowed: false, limit: 2, remaining: 0, resetSeconds: 1 });

    // One millisecond later is another window: the budget is whole again.
    expect(takeRate(id, 2, nextMinute)).toEqual({ allowed: true, limit: 2, remaining: 1, resetSeconds: 60 });
    expect(takeRate(id, 2, nextMinute + 30_000)).toEqual({ allowed: true, limit: 2, remaining: 0, resetSeconds: 30 });
    expect(takeRate(id, 2, nextMinute + 59_999).allowed).toBe(false);
  });

  it("puts calls one millisecond apart across the boundary into different windows", () => {
    const id = tokenId();
    expect(takeRate(id, 1, MINUTE + 59_999).allowed).toBe(true);
    expect(takeRate(id, 1, MINUTE + 60_000).allowed).toBe(true);
    expect(takeRate(id, 1, MINUTE + 60_001).allowed).toBe(false);
  });

  it("does not count refused calls towards the next window", () => {
    const id = tokenId();
    takeRate(id, 1, MINUTE);
    for (let i = 0; i < 10; i++) takeRate(id, 1, MINUTE + i);
    expect(takeRate(id, 1, MINUTE + 60_000)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it("never reports a reset sooner than one second", () => {
    expect(takeRate(tokenId(), 5, MINUTE + 59_999.9).resetSeconds).toBe(1);
  });
});

describe("rateHeaders", () => {
  it("states the limit, what remains and when the window resets", () => {
    expect(rateHeaders({ allowed: true, limit: 60, remaining: 59, resetSeconds: 12 })).toEqual({
      "x-ratelimit-limit": "60",
      "x-ratelimit-remaining": "59",
      "x-ratelimit-reset": "12",
    });
  });
});

describe("overlapMs", () => {
  it("maps every choice to its duration", () => {
    expect(Object.fromEntries(OVERLAP_CHOICES.map((c) => [c, overlapMs(c)]))).toEqual({
      none: 0,
      "1h": 3_600_000,
      "24h": 86_400_000,
      "7d": 604_800_000,
    });
  });
});

describe("monthStart / nextMonthStart", () => {
  it("are the first instants of this and the next UTC month", () => {
    const at = Date.UTC(2030, 4, 17, 12, 34, 56);
    expect(monthStart(at).toISOString()).toBe("2030-05-01T00:00:00.000Z");
    expect(nextMonthStart(at).toISOString()).toBe("2030-06-01T00:00:00.000Z");
  });

  it("roll over the year in December and hold on the month's first millisecond", () => {
    const december = Date.UTC(2030, 11, 31, 23, 59, 59, 999);
    expect(monthStart(december).toISOString()).toBe("2030-12-01T00:00:00.000Z");
    expect(nextMonthStart(december).toISOString()).toBe("2031-01-01T00:00:00.000Z");
    const first = Date.UTC(2031, 0, 1);
    expect(monthStart(first).toISOString()).toBe("2031-01-01T00:00:00.000Z");
    expect(nextMonthStart(first).toISOString()).toBe("2031-02-01T00:00:00.000Z");
  });
});

describe("rulesInputSchema", () => {
  function fieldErrors(input: unknown): Record<string, string[]> {
    const parsed = rulesInputSchema.safeParse(input);
    if (parsed.success) throw new Error(`expected ${JSON.stringify(input)} to be refused`);
    const out: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) (out[issue.path.join(".")] ??= []).push(issue.message);
    return out;
  }

  it("turns empty form fields into 'no rule'", () => {
    expect(rulesInputSchema.parse({ ipAllowlist: "", rateLimitPerMinute: "", allowedModels: [], monthlyTokenBudget: "" })).toEqual({
      ipAllowlist: [],
      rateLimitPerMinute: null,
      allowedModels: [],
      monthlyTokenBudget: null,
    });
    expect(rulesInputSchema.parse({})).toEqual({ ipAllowlist: [], rateLimitPerMinute: null, allowedModels: [], monthlyTokenBudget: null });
  });

  it("parses filled-in fields: numbers from strings, the allowlist normalized, models deduplicated", () => {
    expect(
      rulesInputSchema.parse({
        ipAllowlist: "10.0.0.0/8\n2001:DB8::/32, 10.0.0.0/8",
        rateLimitPerMinute: "120",
        allowedModels: ["model-a", "model-b", "model-a"],
        monthlyTokenBudget: "1000000",
      }),
    ).toEqual({ ipAllowlist: ["10.0.0.0/8", "2001:db8::/32"], rateLimitPerMinute: 120, allowedModels: ["model-a", "model-b"], monthlyTokenBudget: 1_000_000 });
  });

  it("puts an allowlist error on the ipAllowlist field, naming the entry", () => {
    expect(fieldErrors({ ipAllowlist: "10.0.0.0/8, 10.0.0.0/33" })).toEqual({
      ipAllowlist: [expect.stringContaining('"10.0.0.0/33"')],
    });
  });

  it.each([
    ["0", /at least 1/],
    ["-5", /at least 1/],
    ["1000001", /at most 1,000,000/],
  ])("refuses a rate limit of %j on its own field", (value, message) => {
    const errors = fieldErrors({ rateLimitPerMinute: value });
    expect(Object.keys(errors)).toEqual(["rateLimitPerMinute"]);
    expect(errors.rateLimitPerMinute[0]).toMatch(message);
  });

  it.each([
    ["0", /at least 1/],
    ["2000000001", /at most 2,000,000,000/],
  ])("refuses a budget of %j on its own field", (value, message) => {
    const errors = fieldErrors({ monthlyTokenBudget: value });
    expect(Object.keys(errors)).toEqual(["monthlyTokenBudget"]);
    expect(errors.monthlyTokenBudget[0]).toMatch(message);
  });

  it("refuses a fractional rate limit on its own field, saying it must be a whole number", () => {
    const errors = fieldErrors({ rateLimitPerMinute: "1.5" });
    expect(Object.keys(errors)).toEqual(["rateLimitPerMinute"]);
    // The schema defines this message; a generic "Invalid input" tells the user nothing.
    expect(errors.rateLimitPerMinute[0]).toBe("The rate limit must be a whole number.");
  });

  it.each(["abc", "12abc"])("refuses a non-numeric rate limit of %j on its own field, with a message about the rate limit", (value) => {
    const errors = fieldErrors({ rateLimitPerMinute: value });
    expect(Object.keys(errors)).toEqual(["rateLimitPerMinute"]);
    expect(errors.rateLimitPerMinute[0]).toMatch(/rate limit/i);
  });

  it("reports every bad field at once", () => {
    const errors = fieldErrors({ rateLimitPerMinute: "0", monthlyTokenBudget: "0" });
    expect(Object.keys(errors).sort()).toEqual(["monthlyTokenBudget", "rateLimitPerMinute"]);
  });

  it("caps the allowlist text and the model list", () => {
    expect(Object.keys(fieldErrors({ ipAllowlist: "1".repeat(5_001) }))).toEqual(["ipAllowlist"]);
    expect(Object.keys(fieldErrors({ allowedModels: Array.from({ length: 51 }, (_, i) => `m${i}`) }))).toEqual(["allowedModels"]);
  });
});

describe("the rules form, read with formValues", () => {
  it("reads the form's fields and every checked model; a missing field means no rule", () => {
    const form = new FormData();
    form.set("ipAllowlist", "10.0.0.0/8");
    form.set("rateLimitPerMinute", "30");
    form.append("allowedModels", "model-a");
    form.append("allowedModels", "model-b");
    expect(formValues(form)).toEqual({ ipAllowlist: "10.0.0.0/8", rateLimitPerMinute: "30", allowedModels: ["model-a", "model-b"] });
    expect(rulesInputSchema.parse(formValues(form))).toEqual({
      ipAllowlist: ["10.0.0.0/8"],
      rateLimitPerMinute: 30,
      allowedModels: ["model-a", "model-b"],
      monthlyTokenBudget: null,
    });
    // One ticked checkbox posts one value, not a list.
    const one = new FormData();
    one.set("allowedModels", "model-a");
    expect(rulesInputSchema.parse(formValues(one)).allowedModels).toEqual(["model-a"]);
    expect(rulesInputSchema.parse(formValues(new FormData()))).toEqual({ ipAllowlist: [], rateLimitPerMinute: null, allowedModels: [], monthlyTokenBudget: null });
  });
});
