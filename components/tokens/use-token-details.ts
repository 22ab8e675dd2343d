"use client";

import { useQuery } from "@tanstack/react-query";
import type { ConsoleToken } from "@/lib/tokens/console";
import type { MintedToken } from "@/lib/tokens/service";

export interface TokenActivity {
  id: string;
  action: string;
  actorLabel: string;
  ip: string | null;
  createdAt: string;
}

export interface TokenDetailsData {
  token: ConsoleToken;
  activity: TokenActivity[];
  /** Live tokens it minted through the API: revoking it revokes them too. */
  minted: MintedToken[];
}

export const tokenDetailsKey = (orgSlug: string, tokenId: string) => ["token-details", orgSlug, tokenId] as const;

/** One token's details, activity and minted tokens (the details panel and the revoke dialog share it). */
export function useTokenDetails(orgSlug: string, tokenId: string, refetchInterval: number | false = 5_000) {
  return useQuery({
    queryKey: tokenDetailsKey(orgSlug, tokenId),
    queryFn: async (): Promise<TokenDetailsData> => {
      const res = await fetch(`/api/console/${orgSlug}/tokens/${encodeURIComponent(tokenId)}`, { cache: "no-store" });
      if (!res.ok) throw new Error("Could not load the token.");
      return (await res.json()) as TokenDetailsData;
    },
    refetchInterval,
  });
}
