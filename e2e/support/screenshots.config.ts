/**
 * Full-page screenshots of the console's main pages at desktop and phone widths,
 * for a person to look at (not a test of pixels). Not part of `npx playwright test`:
 *
 *   SHOTS_DIR=/tmp/shots npx playwright test -c e2e/support/screenshots.config.ts
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "@playwright/test";
import base from "../../playwright.config";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const webServer = Array.isArray(base.webServer) ? base.webServer[0] : base.webServer;

export default defineConfig({
  ...base,
  testDir: here,
  testMatch: /screenshots\.shots\.ts$/,
  outputDir: path.join(root, "test-results", "screenshots"),
  reporter: [["list"]],
  webServer: webServer ? { ...webServer, cwd: root } : undefined,
});
