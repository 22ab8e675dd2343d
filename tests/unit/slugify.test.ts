import { describe, expect, it } from "vitest";

import { SLUG_PATTERN, slugify } from "@/lib/schemas/orgs";

describe("slugify", () => {
  it.each([
    ["Acme Labs, Inc.", "acme-labs-inc"],
    ["  Hello   World  ", "hello-world"],
    ["Crème Brûlée", "creme-brulee"],
    ["ÅNGSTRÖM", "angstrom"],
    ["a1 b2", "a1-b2"],
  ])("%j → %j", (name, slug) => {
    expect(slugify(name)).toBe(slug);
  });

  it.each(["", "!!!", "x", "日本語", "-"])("falls back to 'org' when nothing usable is left: %j", (name) => {
    expect(slugify(name)).toBe("org");
  });

  it("cuts long names without leaving a trailing hyphen", () => {
    const slug = slugify(`${"a".repeat(31)} bcdef`);
    expect(slug).toBe("a".repeat(31));
    expect(slugify("x".repeat(100)).length).toBeLessThanOrEqual(40);
  });

  it.each(["Acme Labs, Inc.", "a", "---Über---", "x".repeat(100), "Ω ≈ ç √", "a  -  b"])(
    "always yields a valid org slug for %j",
    (name) => {
      expect(slugify(name)).toMatch(SLUG_PATTERN);
    },
  );
});
