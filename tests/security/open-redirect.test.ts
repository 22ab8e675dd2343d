/**
 * The sign-in page follows `callbackUrl` after signing in (lib/safe-redirect.ts).
 * Each of these spellings has been used to leave a site through such a
 * parameter; none may resolve, in a browser's hands, to another origin.
 * (Fails without the normalized "//" check: "/..//evil.example/x" got through.)
 */
import { describe, expect, it } from "vitest";

import { safeCallbackPath } from "@/lib/safe-redirect";

const ORIGIN = "https://keysmith.test";

/** Where a browser would go when handed this value as a same-document redirect target. */
function origin(target: string): string {
  // What browsers strip before parsing (WHATWG URL: tabs and newlines anywhere).
  return new URL(target.replace(/[\t\n\r]/g, ""), ORIGIN).origin;
}

const BYPASSES = [
  "//evil.example",
  "//evil.example/o/acme",
  "///evil.example",
  "////evil.example",
  "/\\evil.example",
  "\\/evil.example",
  "/\\/evil.example",
  "/..//evil.example/x",
  "/../..//evil.example",
  "/./..//evil.example",
  "/%2e%2e//evil.example",
  "/.%2e//evil.example",
  "/o/..//evil.example",
  "/%2f%2fevil.example",
  "/%5cevil.example",
  "/%5C%5Cevil.example",
  "/\t/evil.example",
  "/\n/evil.example",
  "/\r\n/evil.example",
  "/ /evil.example",
  "https:evil.example",
  "https:/evil.example",
  "https://evil.example",
  "http:\\\\evil.example",
  "javascript:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "//evil.example@keysmith.test",
  "/@evil.example",
  "//%65vil.example",
  "/\u2215\u2215evil.example",
  "/\uff0f\uff0fevil.example",
  "evil.example",
  " //evil.example",
];

describe("sign-in callback: known open-redirect spellings", () => {
  it.each(BYPASSES)("never leaves the site for %j", (value) => {
    const target = safeCallbackPath(value);
    expect(origin(target)).toBe(ORIGIN);
    expect(target.startsWith("//")).toBe(false);
    expect(target).toMatch(/^\//);
  });

  it("keeps real paths, with their query and fragment", () => {
    expect(safeCallbackPath("/o/acme/tokens/workspace?status=ACTIVE#top")).toBe("/o/acme/tokens/workspace?status=ACTIVE#top");
    expect(safeCallbackPath("/o/acme/../acme/projects")).toBe("/o/acme/projects");
  });

  it("treats a path that normalizes to another host as no path at all", () => {
    expect(safeCallbackPath("/..//evil.example/x", "/o/acme")).toBe("/o/acme");
  });
});
