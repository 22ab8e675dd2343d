/**
 * A token's IP allowlist on the verification hot path (docs/contract.md §7).
 * The rules were parsed and normalized when they were saved
 * (lib/schemas/tokens.ts parseIpRule); here they are compiled once per cached
 * token and matched in memory.
 */
import { BlockList, isIP } from "node:net";

export interface IpMatcher {
  allows(ip: string | null): boolean;
}

/**
 * One BlockList per address family: a single list would match IPv4 callers
 * against IPv6 ranges in their ::ffff: form, so "::/0" would admit every IPv4 address.
 */
export function compileAllowlist(rules: string[]): IpMatcher | null {
  if (rules.length === 0) return null;
  const lists = { ipv4: new BlockList(), ipv6: new BlockList() };
  for (const rule of rules) {
    const [address, prefix] = rule.split("/");
    const type = isIP(address) === 6 ? "ipv6" : "ipv4";
    if (prefix === undefined) lists[type].addAddress(address, type);
    else lists[type].addSubnet(address, Number(prefix), type);
  }
  // A token is called from few addresses, and BlockList.check parses the address every time
  // (~6 µs): remember the answers (the matcher lives as long as its cached token).
  const answers = new Map<string, boolean>();
  return {
    allows(ip) {
      if (!ip) return false;
      let ok = answers.get(ip);
      if (ok === undefined) {
        const family = isIP(ip);
        const type = family === 6 ? "ipv6" : "ipv4";
        ok = family !== 0 && lists[type].check(ip, type);
        if (answers.size >= MAX_REMEMBERED_ADDRESSES) answers.clear();
        answers.set(ip, ok);
      }
      return ok;
    },
  };
}
const MAX_REMEMBERED_ADDRESSES = 1_000;
