/**
 * A Bloom filter over token hashes: "certainly not a token" or "maybe one".
 * The keys are already SHA-256 digests (uniform bits), so the k probe
 * positions come straight from the digest by double hashing (h1 + i·h2), with
 * no further hashing. Sized for a false-positive rate: 1 M tokens at 0.1 %
 * take 1.8 MB (scripts/bench/known-tokens.ts measures it against an exact set).
 */
export class BloomFilter {
  readonly bits: Uint32Array;
  readonly size: number;
  readonly hashes: number;
  count = 0;

  constructor(capacity: number, falsePositiveRate = 0.001) {
    const n = Math.max(capacity, 1_000);
    // m = -n·ln p / (ln 2)², k = (m/n)·ln 2
    this.size = Math.ceil((-n * Math.log(falsePositiveRate)) / Math.LN2 ** 2 / 32) * 32;
    this.hashes = Math.max(1, Math.round((this.size / n) * Math.LN2));
    this.bits = new Uint32Array(this.size / 32);
  }

  /** `hash`: lower-case hex SHA-256 (at least 16 characters are read). */
  add(hash: string): void {
    const h1 = parseInt(hash.slice(0, 8), 16);
    const h2 = parseInt(hash.slice(8, 16), 16) | 1;
    for (let i = 0; i < this.hashes; i++) {
      const bit = (h1 + Math.imul(i, h2)) >>> 0;
      const at = bit % this.size;
      this.bits[at >>> 5] |= 1 << (at & 31);
    }
    this.count++;
  }

  has(hash: string): boolean {
    const h1 = parseInt(hash.slice(0, 8), 16);
    const h2 = parseInt(hash.slice(8, 16), 16) | 1;
    for (let i = 0; i < this.hashes; i++) {
      const bit = (h1 + Math.imul(i, h2)) >>> 0;
      const at = bit % this.size;
      if ((this.bits[at >>> 5] & (1 << (at & 31))) === 0) return false;
    }
    return true;
  }

  get bytes(): number {
    return this.bits.byteLength;
  }
}
