/**
 * Screenshots of the Workspace tokens page and its dialogs at desktop and phone
 * widths, for a person to look at. Not part of `npx playwright test`:
 *
 *   SHOTS_DIR=/tmp/shots npx playwright test -c e2e/support/workspace-tokens-shots.config.ts
 */
import { defineConfig } from "@playwright/test";
import base from "./screenshots.config";

export default defineConfig({ ...base, testMatch: /workspace-tokens\.shots\.ts$/ });
