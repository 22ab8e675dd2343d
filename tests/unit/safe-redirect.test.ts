import { describe, expect, it } from "vitest";

import { safeCallbackPath } from "@/lib/safe-redirect";

const ORIGIN = "https://keysmith.test";

/** Where a browser would actually go when given this value as a redirect target. */
function landsOn(path: string): string {
  return new URL(path, ORIGIN).origin;
}

describe("safeCallbackPath", () => {
  it.each(["/", "/o/acme", "/o/acme/tokens/workspace?tab=1#x", "/sign-in?callbackUrl=%2Fo%2Facme"])(
    "keeps the same-site path %j",
    (path) => {
      expect(safeCallbackPath(path)).toBe(path);
    },
  );

  it.each([
    "//evil.com",
    "//evil.com/o/acme",
    "/\\evil.com",
    "https://evil.com",
    "http:/evil.com",
    "javascript:alert(1)",
    "evil.com",
    "o/acme",
    "",
  ])("refuses %j", (value) => {
    expect(safeCallbackPath(value)).toBe("/");
    expect(safeCallbackPath(value, "/o/acme")).toBe("/o/acme");
  });

  it("handles missing and repeated parameters", () => {
    expect(safeCallbackPath(undefined)).toBe("/");
    expect(safeCallbackPath(null)).toBe("/");
    expect(safeCallbackPath(["/o/acme", "//evil.com"])).toBe("/o/acme");
    expect(safeCallbackPath(["//evil.com", "/o/acme"])).toBe("/");
  });

  // Browsers drop tabs and newlines from URLs and read "\" as "/", so any of
  // these would become "//evil.com" once followed.
  it.each(["//evil.com", "/\\evil.com", "/\t/evil.com", "/\n/evil.com", "/\r/evil.com", "\\\\evil.com", "/\t\\evil.com"])(
    "never yields a target that leaves the site: %j",
    (value) => {
      expect(landsOn(safeCallbackPath(value))).toBe(ORIGIN);
    },
  );
});
