import { needsReseal, open, seal, SealedValueError } from "./secret-box";

/**
 * Completes a key rotation for one kind of stored secret: every value sealed
 * with an older key (or in the key-id-less v1 format) is sealed again with the
 * current one. `save` writes the new value only if the stored one is unchanged
 * since it was read (a concurrent edit wins) and returns how many rows it
 * wrote. Values no configured key opens are left alone and reported with
 * `unopenable`.
 */
export async function resealValues(
  rows: Array<{ id: string; sealed: string }>,
  save: (row: { id: string; sealed: string }, fresh: string) => Promise<number>,
  unopenable: (id: string) => string,
): Promise<number> {
  let resealed = 0;
  for (const row of rows) {
    if (!needsReseal(row.sealed)) continue;
    let plaintext: string;
    try {
      plaintext = open(row.sealed);
    } catch (error) {
      if (!(error instanceof SealedValueError)) throw error;
      console.warn(unopenable(row.id));
      continue;
    }
    resealed += await save(row, seal(plaintext));
  }
  return resealed;
}
