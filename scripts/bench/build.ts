/**
 * `next build` into a separate folder (KEYSMITH_DIST_DIR, default .next-bench)
 * so a benchmark build never replaces the one another process serves from.
 *
 * `next build` with a non-default distDir rewrites tsconfig.json (adds
 * "<distDir>/types/**" to "include", reformatting the file) and next-env.d.ts
 * (imports "<distDir>/types/routes.d.ts"). Both belong to the checkout, not to
 * the benchmark: they are put back byte for byte afterwards.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const GUARDED = ["tsconfig.json", "next-env.d.ts"];

export async function buildInto(root: string, distDir: string, log: (line: string) => void): Promise<number> {
  if (path.resolve(root, distDir) === path.resolve(root, ".next")) {
    throw new Error("Refusing to build into .next (another process may be serving it): set KEYSMITH_DIST_DIR to another folder, or pass --no-build.");
  }
  const saved = new Map<string, Buffer | null>();
  for (const file of GUARDED) {
    const full = path.join(root, file);
    saved.set(file, existsSync(full) ? readFileSync(full) : null);
  }
  const started = Date.now();
  let output = "";
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"], {
        cwd: root,
        env: { ...process.env, KEYSMITH_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      child.stdout.on("data", (c: Buffer) => (output += c.toString()));
      child.stderr.on("data", (c: Buffer) => (output += c.toString()));
      child.on("error", reject);
      child.on("exit", resolve);
    });
    if (code !== 0) throw new Error(`next build failed (exit ${code}):\n${output.split("\n").slice(-40).join("\n")}`);
  } finally {
    for (const [file, bytes] of saved) {
      const full = path.join(root, file);
      const now = existsSync(full) ? readFileSync(full) : null;
      if (bytes && (!now || !now.equals(bytes))) {
        writeFileSync(full, bytes);
        log(`  restored ${file} (next build rewrote it for ${distDir})`);
      }
    }
  }
  return (Date.now() - started) / 1000;
}

export function hasBuild(root: string, distDir: string): boolean {
  return existsSync(path.join(root, distDir, "BUILD_ID"));
}
