/**
 * `npm run bench:filter`: which structure should tell "certainly not a token"
 * without a database read (lib/tokens/known-tokens.ts)? Builds each from the
 * same N random token hashes (default 1,000,000) and measures, in this process:
 * memory, build time, lookup time, and the false-positive rate on N hashes that
 * are not tokens. Candidates: the Bloom filter (0.1 % and 1 %), a sorted array of
 * 64-bit hash prefixes (exact, binary search), and a JS Set of 16-hex prefixes.
 *
 *   npm run bench:filter -- [--tokens N]
 */
import { createHash, randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";

import { BloomFilter } from "@/lib/tokens/bloom";

const n = Number(process.argv[process.argv.indexOf("--tokens") + 1]) || 1_000_000;
const hex = () => createHash("sha256").update(randomBytes(30)).digest("hex");

function heapMb(): number {
  global.gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

interface Candidate {
  name: string;
  build(keys: string[]): { has(k: string): boolean; bytes?: number };
}

const candidates: Candidate[] = [
  {
    name: "Bloom filter, 0.1 %",
    build(keys) {
      const f = new BloomFilter(keys.length, 0.001);
      for (const k of keys) f.add(k);
      return { has: (k) => f.has(k), bytes: f.bytes };
    },
  },
  {
    name: "Bloom filter, 1 %",
    build(keys) {
      const f = new BloomFilter(keys.length, 0.01);
      for (const k of keys) f.add(k);
      return { has: (k) => f.has(k), bytes: f.bytes };
    },
  },
  {
    name: "sorted 64-bit prefixes",
    build(keys) {
      const a = new BigUint64Array(keys.length);
      keys.forEach((k, i) => (a[i] = BigInt(`0x${k.slice(0, 16)}`)));
      a.sort();
      return {
        bytes: a.byteLength,
        has(k) {
          const v = BigInt(`0x${k.slice(0, 16)}`);
          let lo = 0;
          let hi = a.length - 1;
          while (lo <= hi) {
            const mid = (lo + hi) >>> 1;
            if (a[mid] === v) return true;
            if (a[mid] < v) lo = mid + 1;
            else hi = mid - 1;
          }
          return false;
        },
      };
    },
  },
  {
    name: "Set of 16-hex prefixes",
    build(keys) {
      const s = new Set(keys.map((k) => k.slice(0, 16)));
      return { has: (k) => s.has(k.slice(0, 16)) };
    },
  },
];

function main() {
  const tokens = Array.from({ length: n }, hex);
  const strangers = Array.from({ length: n }, hex);
  console.log(`known-token filters over ${n.toLocaleString("en-US")} token hashes (node ${process.version}${global.gc ? "" : "; run with --expose-gc for heap figures"})`);
  console.log("structure                 memory MB   build ms   lookup ns   false positives");
  for (const c of candidates) {
    const before = heapMb();
    const t0 = performance.now();
    const built = c.build(tokens);
    const buildMs = performance.now() - t0;
    const memory = built.bytes !== undefined ? built.bytes / 2 ** 20 : heapMb() - before;
    for (const k of tokens.slice(0, 1000)) if (!built.has(k)) throw new Error(`${c.name} lost a token`);
    let positives = 0;
    const t1 = performance.now();
    for (const k of strangers) if (built.has(k)) positives++;
    const lookupNs = ((performance.now() - t1) * 1e6) / strangers.length;
    const fpr = (100 * positives) / strangers.length;
    console.log(
      `${c.name.padEnd(25)} ${memory.toFixed(1).padStart(9)} ${buildMs.toFixed(0).padStart(10)} ${lookupNs.toFixed(0).padStart(11)}   ${fpr.toFixed(3)} % (${positives.toLocaleString("en-US")})`,
    );
  }
}

main();
