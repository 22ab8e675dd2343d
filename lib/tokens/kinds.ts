/**
 * Everything the code says about a token kind in one map: its letter in the
 * token (docs/contract.md §3), its slug in URLs and the API, the words the
 * console and e-mails use, and where its list lives in the console.
 * Client-safe: the console imports it too.
 */
import type { TokenKind } from "@/lib/generated/prisma/enums";

export type { TokenKind };

interface KindInfo {
  letter: "w" | "g" | "o";
  /** In URLs, `?kind=` and the API's `kind` field. */
  slug: "workspace" | "gateway" | "organization";
  /** "Workspace token" */
  label: string;
  /** The list's scope column. */
  scopeHeading: string;
  /** The console page of the kind's list, under /o/{org}/ (gateway tokens: their gateway's page). */
  path(gatewaySlug?: string | null): string;
}

export const KINDS: Record<TokenKind, KindInfo> = {
  WORKSPACE: { letter: "w", slug: "workspace", label: "Workspace token", scopeHeading: "Permissions", path: () => "tokens/workspace" },
  GATEWAY: { letter: "g", slug: "gateway", label: "Gateway token", scopeHeading: "Gateway", path: (g) => (g ? `gateways/${g}` : "gateways") },
  ORGANIZATION: { letter: "o", slug: "organization", label: "Organization token", scopeHeading: "Role", path: () => "tokens/organization" },
};

export type KindSlug = KindInfo["slug"];
export const KIND_SLUGS = Object.values(KINDS).map((k) => k.slug) as [KindSlug, ...KindSlug[]];

export function kindOfSlug(slug: KindSlug): TokenKind {
  return (Object.keys(KINDS) as TokenKind[]).find((k) => KINDS[k].slug === slug)!;
}

export function kindOfLetter(letter: string): TokenKind | null {
  return (Object.keys(KINDS) as TokenKind[]).find((k) => KINDS[k].letter === letter) ?? null;
}
