/**
 * Screenshots of the usage pages (usage.shots.ts). Not part of `npx playwright test`:
 *
 *   SHOTS_DIR=/tmp/usage-shots npx playwright test -c e2e/support/usage-shots.config.ts
 */
import { defineConfig } from "@playwright/test";
import base from "./screenshots.config";

export default defineConfig({ ...base, testMatch: /usage\.shots\.ts$/ });
