/**
 * Which addresses a gateway may dial. Anyone can sign up and become the admin
 * of an org, and an admin chooses the gateway's upstream URL: without these
 * rules the gateway would fetch internal services (loopback, the cloud
 * metadata endpoint, the private network) on their behalf. Only public
 * unicast addresses pass; KEYSMITH_UPSTREAM_ALLOW_HOSTS lets a self-hoster opt
 * named hosts or CIDRs back in (e.g. a model server on localhost).
 *
 * Every check works on parsed addresses (ipaddr.js), never on their spelling:
 * the WHATWG URL parser has already turned 2130706433, 0x7f.1 and 017700000001
 * into 127.0.0.1, and ipaddr.process() unmaps ::ffff:127.0.0.1.
 */
import "server-only";
import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import { baseUrlShapeProblem } from "@/lib/schemas/gateways";

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Cidr = [Address, number];

/** ipaddr.js's range names, in words for the admin who typed the URL. */
const RANGE_WORDS: Record<string, string> = {
  unspecified: "unspecified address",
  broadcast: "broadcast address",
  multicast: "multicast address",
  linkLocal: "link-local address",
  loopback: "loopback address",
  carrierGradeNat: "carrier-grade NAT address (RFC 6598)",
  private: "private network address (RFC 1918)",
  uniqueLocal: "private network address (unique-local, fc00::/7)",
  deprecatedSiteLocal: "site-local address",
  // IPv6 forms that can carry an IPv4 address, possibly an internal one: refused whole.
  ipv4Mapped: "IPv4-mapped IPv6 address",
  rfc6145: "IPv4-translated IPv6 address (RFC 6145)",
  rfc6052: "NAT64 address (embeds an IPv4 address)",
  "6to4": "6to4 address (embeds an IPv4 address)",
  teredo: "Teredo address (embeds an IPv4 address)",
};

/**
 * Ranges ipaddr.js calls unicast that still must not be dialled: the deprecated
 * IPv4-compatible form (::a.b.c.d) embeds an IPv4 address like the mapped one.
 */
const EXTRA_RANGES: Array<[Cidr, string]> = [[ipaddr.parseCIDR("::/96"), "IPv4-compatible IPv6 address (embeds an IPv4 address)"]];

/** The rule a dialled address breaks, in words, or null for a public unicast address. */
export function addressRefusal(address: string): string | null {
  if (!ipaddr.isValid(address)) return "not an IP address";
  const ip = ipaddr.process(address);
  const range = ip.range();
  if (range !== "unicast") return RANGE_WORDS[range] ?? `reserved address (${range})`;
  for (const [cidr, words] of EXTRA_RANGES) {
    if (ip.kind() === cidr[0].kind() && ip.match(cidr)) return words;
  }
  return null;
}

/** "LOCALHOST." and "localhost" are one name: DNS is case-blind and the trailing dot is the root. */
function normalizeHostName(host: string): string {
  return host.toLowerCase().replace(/\.+$/, "");
}

/** localhost and *.localhost always mean this machine (RFC 6761), whatever DNS says. */
function hostNameRefusal(host: string): string | null {
  const name = normalizeHostName(host);
  return name === "localhost" || name.endsWith(".localhost") ? "localhost name" : null;
}

// --- The opt-in -------------------------------------------------------------------

interface AllowList {
  names: Set<string>;
  cidrs: Cidr[];
}

let parsedAllowList: { raw: string; list: AllowList } | null = null;

/**
 * KEYSMITH_UPSTREAM_ALLOW_HOSTS: host names and CIDRs (a bare address is a
 * one-address CIDR). Read on every call, so a change to the environment
 * (tests, a restart with new settings) applies at once; parsed once per value.
 */
function upstreamAllowList(): AllowList {
  const raw = process.env.KEYSMITH_UPSTREAM_ALLOW_HOSTS ?? "";
  if (parsedAllowList?.raw === raw) return parsedAllowList.list;
  const list: AllowList = { names: new Set(), cidrs: [] };
  for (const entry of raw.split(",").map((e) => e.trim()).filter(Boolean)) {
    if (ipaddr.isValidCIDR(entry)) list.cidrs.push(ipaddr.parseCIDR(entry));
    else if (isIP(entry)) {
      const ip = ipaddr.parse(entry);
      list.cidrs.push([ip, ip.kind() === "ipv4" ? 32 : 128]);
    } else if (!entry.includes("/")) list.names.add(normalizeHostName(entry));
    // Anything else is a malformed CIDR: it allows nothing.
  }
  parsedAllowList = { raw, list };
  return list;
}

function hostAllowed(host: string): boolean {
  return upstreamAllowList().names.has(normalizeHostName(host));
}

function addressAllowed(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const ip = ipaddr.process(address);
  return upstreamAllowList().cidrs.some((cidr) => ip.kind() === cidr[0].kind() && ip.match(cidr));
}

/**
 * Why dialling `address` to reach `host` is refused, or null when it may be
 * dialled: a host named in the opt-in skips the rules, an address inside an
 * opted-in CIDR passes, anything else must be public unicast.
 */
export function dialRefusal(host: string, address: string): string | null {
  if (hostAllowed(host) || addressAllowed(address)) return null;
  return addressRefusal(address);
}

/**
 * The rule a host (URL-normalized, IPv6 without brackets) breaks before any
 * lookup: a forbidden IP literal or a localhost name; null when it may go on.
 */
export function hostRefusal(host: string): string | null {
  if (hostAllowed(host)) return null;
  return isIP(host) ? dialRefusal(host, host) : hostNameRefusal(host);
}

/** "[::1]" → "::1": the URL keeps IPv6 hosts bracketed. */
export function urlHost(url: URL): string {
  return url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
}

/** `subject` names what the URL is for: gateway upstreams and webhook endpoints follow the same rules. */
export function refusalMessage(rule: string, what: string, subject = "an upstream"): string {
  return `Not allowed as ${subject}: ${rule} (${what}).`;
}

// --- Upstream base URLs -----------------------------------------------------------

/**
 * What is wrong with an upstream base URL without asking DNS, or null: the
 * shape (http(s), no credentials, query or fragment) and a host that is a
 * forbidden IP literal or a localhost name.
 */
export function upstreamUrlProblem(raw: string): string | null {
  const shape = baseUrlShapeProblem(raw);
  if (shape) return shape;
  const host = urlHost(new URL(raw));
  const rule = hostRefusal(host);
  return rule ? refusalMessage(rule, host) : null;
}

// --- Name resolution --------------------------------------------------------------

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to all its addresses; injectable so tests can play DNS (and DNS rebinding). */
export type Lookup = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemLookup: Lookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** The first rule any of the addresses breaks, as a message naming it. */
export function resolvedRefusal(host: string, addresses: ResolvedAddress[], subject?: string): string | null {
  if (addresses.length === 0) return refusalMessage("no address", host, subject);
  for (const { address } of addresses) {
    const rule = dialRefusal(host, address);
    if (rule) return refusalMessage(rule, `${host} resolves to ${address}`, subject);
  }
  return null;
}

/**
 * The save-time check: what the URL's host resolves to now. A name that does
 * not resolve within `timeoutMs` (an offline machine) is accepted: the check
 * when the gateway dials is the authoritative one, this only gives the admin
 * an early, clear answer.
 */
export function upstreamResolutionProblem(raw: string, lookup: Lookup = systemLookup, timeoutMs = 2_000): Promise<string | null> {
  return resolutionProblem(raw, "an upstream", lookup, timeoutMs);
}

/** The save-time check for any URL the server will fetch (`subject`: what it is, for the message). */
export async function resolutionProblem(raw: string, subject: string, lookup: Lookup = systemLookup, timeoutMs = 2_000): Promise<string | null> {
  const url = new URL(raw);
  const host = urlHost(url);
  if (isIP(host) || hostAllowed(host)) return null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), timeoutMs);
  });
  try {
    const addresses = await Promise.race([lookup(host), timeout]);
    // No answer, or an empty one, is "could not resolve": accepted (see above).
    return addresses?.length ? resolvedRefusal(host, addresses, subject) : null;
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}
