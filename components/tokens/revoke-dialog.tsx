"use client";

import { useState, useTransition } from "react";
import { revokeTokenAction } from "@/app/o/[org]/tokens/actions";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormError } from "@/components/ui/field";
import { TypedConfirmation } from "@/components/ui/typed-confirmation";
import { useTokenDetails } from "./use-token-details";

/** Revoke, confirmed by typing the token's name exactly (SPEC §2). */
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
  const [typed, setTyped] = useState("");
  const [error, setError] = useState<string>();
  const [pending, start] = useTransition();
  const matches = typed === token.name;
  const minted = useTokenDetails(orgSlug, token.id, false).data?.minted ?? [];
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title="Revoke token" description="This cannot be undone.">
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          if (!matches) return;
          start(async () => {
            const result = await revokeTokenAction(orgSlug, token.id, typed);
            if (result.ok) onDone();
            else setError(result.error);
          });
        }}
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
            <p className="font-medium">
              This also revokes {minted.length === 1 ? "the token" : `the ${minted.length} tokens`} it created through the API:
            </p>
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
        <TypedConfirmation expected={token.name} value={typed} onChange={setTyped} />
        <FormError message={error} />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" disabled={!matches || pending}>
            {pending ? "Revoking…" : "Revoke token"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
