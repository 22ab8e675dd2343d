"use client";

import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { revokeTokenAction } from "@/lib/actions/tokens";
import { useTokenDetails } from "./use-token-details";

/** Revoke, confirmed by typing the token's name exactly (docs/contract.md §2); lists the tokens it minted first. */
export function RevokeDialog({
  orgSlug,
  token,
  onClose,
  onDone,
}: {
  orgSlug: string;
  token: { id: string; name: string; masked: string };
  onClose: () => void;
  onDone: () => void;
}) {
  const minted = useTokenDetails(orgSlug, token.id, false).data?.minted ?? [];
  return (
    <ConfirmDialog
      open
      onOpenChange={(o) => !o && onClose()}
      title="Revoke token"
      description="This cannot be undone."
      typed={token.name}
      confirmLabel="Revoke token"
      pendingLabel="Revoking…"
      confirm={(confirmation) => revokeTokenAction(orgSlug, { id: token.id, confirmation })}
      onDone={onDone}
    >
      <dl className="rounded-md border border-zinc-200 bg-zinc-50 px-4 py-3 text-sm">
        <div className="flex justify-between gap-4">
          <dt className="text-zinc-500">Name</dt>
          <dd className="font-medium text-zinc-900">{token.name}</dd>
        </div>
        <div className="mt-1 flex justify-between gap-4">
          <dt className="text-zinc-500">Token</dt>
          <dd className="font-mono text-zinc-900">{token.masked}</dd>
        </div>
      </dl>
      {minted.length > 0 && (
        <div className="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900" data-testid="revoke-minted">
          <p className="font-medium">This also revokes {minted.length === 1 ? "the token" : `the ${minted.length} tokens`} it created through the API:</p>
          <ul className="mt-1 list-disc space-y-0.5 pl-5">
            {minted.map((m) => (
              <li key={m.id}>
                {m.name} <span className="font-mono text-xs">{m.masked}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      <p className="text-sm text-zinc-700">
        Applications using {minted.length ? "these tokens" : "this token"} will get 401 errors immediately. A revoked token cannot be activated again.
      </p>
    </ConfirmDialog>
  );
}
