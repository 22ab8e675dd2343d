// `npm start`'s first half: builds the console only when its sources changed
// since the last build (a fingerprint of every file the build reads, kept next
// to the build), so a second start serves in seconds instead of rebuilding for
// two minutes. KEYSMITH_FORCE_BUILD=1 rebuilds anyway.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const distDir = path.join(root, process.env.KEYSMITH_DIST_DIR || ".next");
const stamp = path.join(distDir, "keysmith-sources.sha256");

/** What `next build` reads: the app, its components and library code, its configuration and dependencies. */
const INPUTS = ["app", "components", "lib", "public", "next.config.ts", "postcss.config.mjs", "tsconfig.json", "package-lock.json", "proxy.ts"];

function files(entry) {
  const full = path.join(root, entry);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [entry];
  return readdirSync(full, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((d) => files(path.join(entry, d.name)));
}

function fingerprint() {
  const hash = createHash("sha256");
  for (const file of INPUTS.flatMap(files)) {
    hash.update(file).update("\0").update(readFileSync(path.join(root, file))).update("\0");
  }
  return hash.digest("hex");
}

const current = fingerprint();
const built = existsSync(path.join(distDir, "BUILD_ID")) && existsSync(stamp) ? readFileSync(stamp, "utf8").trim() : null;
if (built === current && process.env.KEYSMITH_FORCE_BUILD !== "1") {
  console.log(`The build in ${path.relative(root, distDir)} matches the sources: starting without rebuilding.`);
  process.exit(0);
}

console.log(
  built
    ? "The sources changed since the last build: building the console (about 2 minutes on 2 cores) …"
    : "No build yet: building the console once (about 2 minutes on 2 cores; later starts skip this) …",
);
const started = Date.now();
const result = spawnSync("npx", ["next", "build"], { cwd: root, stdio: "inherit", env: process.env });
if (result.status !== 0) process.exit(result.status ?? 1);
writeFileSync(stamp, `${current}\n`);
console.log(`Built in ${Math.round((Date.now() - started) / 1000)} s.`);
