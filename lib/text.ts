/** Words about numbers, for every message a person reads. Client-safe. */

/** "1 entry", "2 entries", "1,024 tokens". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}
