import { isIP } from "node:net";

/**
 * The client address is stamped on every request by our own HTTP server
 * (scripts/serve.ts) from the socket, or from the proxy chain when
 * KEYSMITH_TRUSTED_PROXY_HOPS says how many proxies to trust. Clients cannot
 * set it: the server overwrites whatever header of that name arrives.
 */
export const CLIENT_IP_HEADER = "x-keysmith-client-ip";

type HeaderBag = { get(name: string): string | null } | Record<string, string | string[] | undefined>;

function read(headers: HeaderBag, name: string): string | undefined {
  if (typeof headers.get === "function") return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const v = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(v) ? v[0] : v;
}

export function clientIpFromHeaders(headers: HeaderBag): string | null {
  const ip = read(headers, CLIENT_IP_HEADER)?.trim();
  return ip && isIP(ip) ? ip : null;
}

export function userAgentFromHeaders(headers: HeaderBag): string | null {
  return read(headers, "user-agent")?.slice(0, 512) ?? null;
}

/**
 * The address to trust: with 0 hops the socket's own; with N hops the N-th
 * address from the right of X-Forwarded-For (each trusted proxy appends one).
 */
export function resolveClientIp(
  socketAddress: string | undefined,
  forwardedFor: string | undefined,
  trustedHops: number,
): string | null {
  const normalize = (a: string | undefined) => {
    const v = a?.trim().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "");
    return v && isIP(v) ? v : null;
  };
  if (trustedHops <= 0) return normalize(socketAddress);
  const chain = (forwardedFor ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  return normalize(chain[chain.length - trustedHops]) ?? normalize(socketAddress);
}

/** The console's public URL (NEXTAUTH_URL), for links in e-mails and snippets that must work outside the browser. */
export function publicOrigin(): string {
  return (process.env.NEXTAUTH_URL ?? "http://localhost:3000").replace(/\/+$/, "");
}
