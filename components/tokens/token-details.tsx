"use client";

import * as RadixDialog from "@radix-ui/react-dialog";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import type { ConsoleToken } from "@/lib/tokens/console";
import { CreatedBy, TokenScope } from "./token-scope";
import { ExactDate, RelativeTime, StatusBadge } from "./token-bits";

interface Activity {
  id: string;
  action: string;
  actorLabel: string;
  ip: string | null;
  createdAt: string;
}

const ACTION_LABELS: Record<string, string> = {
  "token.created": "Created",
  "token.regenerated": "Regenerated",
  "token.activated": "Activated",
  "token.deactivated": "Deactivated",
  "token.revoked": "Revoked",
};

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-3 gap-3 py-2.5">
      <dt className="text-sm text-zinc-500">{label}</dt>
      <dd className="col-span-2 text-sm text-zinc-900">{children}</dd>
    </div>
  );
}

/** A side panel with every attribute of a token and its recent activity; refreshes live. */
export function TokenDetails({ orgSlug, tokenId, token, onClose }: { orgSlug: string; tokenId: string; token?: ConsoleToken; onClose: () => void }) {
  const { data, isError } = useQuery({
    queryKey: ["token-details", orgSlug, tokenId],
    queryFn: async () => {
      const res = await fetch(`/api/console/${orgSlug}/tokens/${encodeURIComponent(tokenId)}`, { cache: "no-store" });
      if (!res.ok) throw new Error("Could not load the token.");
      return (await res.json()) as { token: ConsoleToken; activity: Activity[] };
    },
    refetchInterval: 5_000,
  });
  const t = data?.token ?? token;
  if (!t) {
    return (
      <RadixDialog.Root open onOpenChange={(o) => !o && onClose()}>
        <RadixDialog.Portal>
          <RadixDialog.Overlay className="fixed inset-0 z-40 bg-zinc-950/30" />
          <RadixDialog.Content className="fixed inset-y-0 right-0 z-50 w-full max-w-md bg-white p-6 shadow-xl focus:outline-none">
            <RadixDialog.Title className="text-lg font-semibold text-zinc-900">Token</RadixDialog.Title>
            <RadixDialog.Description className="mt-2 text-sm text-zinc-600">
              {isError ? "This token does not exist or you cannot see it." : "Loading…"}
            </RadixDialog.Description>
          </RadixDialog.Content>
        </RadixDialog.Portal>
      </RadixDialog.Root>
    );
  }
  return (
    <RadixDialog.Root open onOpenChange={(o) => !o && onClose()}>
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="fixed inset-0 z-40 bg-zinc-950/30" />
        <RadixDialog.Content className="fixed inset-y-0 right-0 z-50 w-full max-w-md overflow-y-auto bg-white p-6 shadow-xl focus:outline-none">
          <div className="flex items-start justify-between gap-4">
            <div>
              <RadixDialog.Title className="text-lg font-semibold text-zinc-900">{t.name}</RadixDialog.Title>
              <RadixDialog.Description className="mt-0.5 font-mono text-sm text-zinc-600">{t.masked}</RadixDialog.Description>
            </div>
            <RadixDialog.Close className="rounded-md px-2 py-1 text-sm text-zinc-600 hover:bg-zinc-100">Close</RadixDialog.Close>
          </div>
          <dl className="mt-6 divide-y divide-zinc-100 border-y border-zinc-100">
            <Row label="Status"><StatusBadge status={t.status} /></Row>
            <Row label="Scope"><TokenScope token={t} /></Row>
            <Row label="Created by"><CreatedBy token={t} /></Row>
            <Row label="Created"><ExactDate iso={t.createdAt} /></Row>
            <Row label="Expires"><ExactDate iso={t.expiresAt} /></Row>
            {t.regeneratedAt && <Row label="Regenerated"><RelativeTime iso={t.regeneratedAt} /></Row>}
            {t.revokedAt && <Row label="Revoked"><RelativeTime iso={t.revokedAt} /></Row>}
            <Row label="Last used">
              <RelativeTime iso={t.lastUsedAt} />
              {t.lastUsedIp && <span className="ml-2 font-mono text-xs text-zinc-500">from {t.lastUsedIp}</span>}
            </Row>
            <Row label="Usage"><span data-testid="details-usage">{t.usageCount.toLocaleString("en-US")} {t.usageCount === 1 ? "call" : "calls"}</span></Row>
            <Row label="Token ID"><span className="font-mono text-xs">{t.id}</span></Row>
          </dl>
          <h3 className="mt-6 text-sm font-semibold text-zinc-900">Recent activity</h3>
          {!data ? (
            <p className="mt-2 text-sm text-zinc-500">Loading…</p>
          ) : data.activity.length === 0 ? (
            <p className="mt-2 text-sm text-zinc-500">No changes recorded.</p>
          ) : (
            <ol className="mt-2 space-y-2">
              {data.activity.map((a) => (
                <li key={a.id} className="rounded-md border border-zinc-100 px-3 py-2 text-sm">
                  <span className="font-medium text-zinc-900">{ACTION_LABELS[a.action] ?? a.action}</span>{" "}
                  <span className="text-zinc-600">by {a.actorLabel}</span>
                  <span className="block text-xs text-zinc-500">
                    <RelativeTime iso={a.createdAt} />
                    {a.ip && ` · ${a.ip}`}
                  </span>
                </li>
              ))}
            </ol>
          )}
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}
