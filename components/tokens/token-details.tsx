"use client";

import * as RadixDialog from "@radix-ui/react-dialog";
import { useQueryClient } from "@tanstack/react-query";
import { useState, useTransition, type ReactNode } from "react";
import { endOverlapAction, updateTokenDetailsAction, updateTokenRulesAction } from "@/lib/actions/tokens";
import { tokenRulesInput, updateTokenDetailsInput } from "@/lib/schemas/tokens";
import { Button, FormActions } from "@/components/ui/button";
import { Badge } from "@/components/ui/card";
import { FormError, TextAreaField, TextField } from "@/components/ui/field";
import { useFormAction } from "@/components/ui/use-form-action";
import { RequestLog } from "@/components/usage/request-log";
import { TokenUsagePanel } from "@/components/usage/token-usage";
import { RulesFields } from "./rules-fields";
import type { ConsoleToken } from "@/lib/tokens/console";
import { CreatedBy, TokenScope } from "./token-scope";
import { ExactDate, ExpiryDate, RelativeTime, StatusBadge } from "./token-bits";
import { tokenDetailsKey, useTokenDetails } from "./use-token-details";
import { callAction } from "@/components/ui/call-action";
import { useReturnFocus } from "@/components/ui/use-return-focus";

const ACTION_LABELS: Record<string, string> = {
  "token.created": "Created",
  "token.regenerated": "Regenerated",
  "token.activated": "Activated",
  "token.deactivated": "Deactivated",
  "token.revoked": "Revoked",
  "token.rules_updated": "Rules changed",
  "token.overlap_ended": "Overlap ended",
  "token.ip_denied": "Call refused by the IP allowlist",
  "token.updated": "Renamed or described",
};

/** Rename a token and set its description (GitHub's "note"). */
function DetailsEditor({ orgSlug, token, onDone, onCancel }: { orgSlug: string; token: ConsoleToken; onDone: () => void; onCancel: () => void }) {
  const { onSubmit, pending, fieldErrors, formError } = useFormAction(updateTokenDetailsAction.bind(null, orgSlug), { schema: updateTokenDetailsInput, onSuccess: onDone });
  return (
    <form onSubmit={onSubmit} className="mt-4 space-y-3 rounded-md border border-zinc-200 p-3" noValidate aria-label="Edit name and description">
      <input type="hidden" name="id" value={token.id} />
      <FormError message={formError} />
      <TextField label="Name" name="name" defaultValue={token.name} required maxLength={64} error={fieldErrors.name} />
      <TextAreaField
        label="Description"
        name="description"
        defaultValue={token.description ?? ""}
        maxLength={500}
        rows={3}
        className="font-sans"
        hint="What the token is for, where it is used. Optional."
        error={fieldErrors.description}
      />
      <FormActions compact onCancel={onCancel} pending={pending} label="Save" pendingLabel="Saving…" />
    </form>
  );
}

function RulesEditor({
  orgSlug,
  token,
  gatewayModels,
  onDone,
  onCancel,
}: {
  orgSlug: string;
  token: ConsoleToken;
  gatewayModels?: string[];
  onDone: () => void;
  onCancel: () => void;
}) {
  const { onSubmit, pending, fieldErrors, formError } = useFormAction(updateTokenRulesAction.bind(null, orgSlug), { schema: tokenRulesInput, onSuccess: onDone });
  return (
    <form onSubmit={onSubmit} className="mt-3 space-y-4" noValidate>
      <input type="hidden" name="id" value={token.id} />
      <FormError message={formError} />
      <RulesFields errors={fieldErrors} defaults={token} gatewayModels={gatewayModels} />
      <FormActions compact onCancel={onCancel} pending={pending} label="Save rules" pendingLabel="Saving…" />
    </form>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-3 gap-3 py-2.5">
      <dt className="text-sm text-zinc-500">{label}</dt>
      <dd className="col-span-2 text-sm text-zinc-900">{children}</dd>
    </div>
  );
}

/** A side panel with every attribute of a token and its recent activity; refreshes live. */
export function TokenDetails({
  orgSlug,
  tokenId,
  token,
  gatewayModels,
  onChanged,
  onClose,
}: {
  orgSlug: string;
  tokenId: string;
  token?: ConsoleToken;
  gatewayModels?: string[];
  onChanged?: () => void;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [editingDetails, setEditingDetails] = useState(false);
  const [pending, start] = useTransition();
  const [error, setError] = useState<string>();
  const changed = () => {
    void queryClient.invalidateQueries({ queryKey: tokenDetailsKey(orgSlug, tokenId) });
    onChanged?.();
  };
  const { data, isError } = useTokenDetails(orgSlug, tokenId);
  const returnFocus = useReturnFocus(true);
  const t = data?.token ?? token;
  if (!t) {
    return (
      <RadixDialog.Root open onOpenChange={(o) => !o && onClose()}>
        <RadixDialog.Portal>
          <RadixDialog.Overlay className="fixed inset-0 z-40 bg-black/40" />
          <RadixDialog.Content onCloseAutoFocus={returnFocus} className="fixed inset-y-0 right-0 z-50 w-full max-w-2xl bg-white p-6 shadow-xl focus:outline-none">
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
        <RadixDialog.Overlay className="fixed inset-0 z-40 bg-black/40" />
        <RadixDialog.Content onCloseAutoFocus={returnFocus} className="fixed inset-y-0 right-0 z-50 w-full max-w-2xl overflow-y-auto bg-white p-4 shadow-xl focus:outline-none sm:p-6">
          <div className="flex items-start justify-between gap-4">
            <div className="min-w-0">
              <RadixDialog.Title className="break-words text-lg font-semibold text-zinc-900">{t.name}</RadixDialog.Title>
              <RadixDialog.Description className="mt-0.5 font-mono text-sm text-zinc-600">{t.masked}</RadixDialog.Description>
              {t.description && !editingDetails && (
                <p className="mt-2 whitespace-pre-line break-words text-sm text-zinc-700" data-testid="token-description">
                  {t.description}
                </p>
              )}
            </div>
            <div className="flex shrink-0 items-center gap-1">
              {t.actions.manage && !editingDetails && (
                <Button size="sm" variant="ghost" onClick={() => setEditingDetails(true)}>
                  Edit
                </Button>
              )}
              <RadixDialog.Close className="rounded-md px-2 py-1 text-sm text-zinc-600 hover:bg-zinc-100">Close</RadixDialog.Close>
            </div>
          </div>
          {editingDetails && (
            <DetailsEditor
              orgSlug={orgSlug}
              token={t}
              onDone={() => {
                setEditingDetails(false);
                changed();
              }}
              onCancel={() => setEditingDetails(false)}
            />
          )}
          <TokenUsagePanel orgSlug={orgSlug} tokenId={t.id} kind={t.kind} />
          <dl className="mt-6 divide-y divide-zinc-100 border-y border-zinc-100">
            <Row label="Status">
              <span className="flex flex-wrap gap-1">
                <StatusBadge status={t.status} />
                {t.beyondPolicy && <Badge tone="red">Beyond the lifetime policy</Badge>}
              </span>
            </Row>
            <Row label="Scope"><TokenScope token={t} /></Row>
            <Row label="Created by"><CreatedBy token={t} /></Row>
            <Row label="Created"><ExactDate iso={t.createdAt} /></Row>
            <Row label="Expires"><ExpiryDate iso={t.expiresAt} /></Row>
            {t.regeneratedAt && <Row label="Regenerated"><RelativeTime iso={t.regeneratedAt} /></Row>}
            {t.revokedAt && <Row label="Revoked"><RelativeTime iso={t.revokedAt} /></Row>}
            {t.leak && (
              <Row label="Leaked">
                <span className="text-red-700">
                  Reported <RelativeTime iso={t.leak.at} />
                  {t.leak.by && <> by {t.leak.by}</>}
                </span>
                <span className="mt-0.5 block break-all text-xs text-zinc-600">{t.leak.url ? <>Found at {t.leak.url}</> : "Where it was found was not given."}</span>
                {t.status !== "REVOKED" && <span className="mt-1 block text-xs text-zinc-600">It still works: revoke it, or regenerate it (the leaked secret stops at once).</span>}
              </Row>
            )}
            <Row label="Last used">
              <RelativeTime iso={t.lastUsedAt} />
              {t.lastUsedIp && <span className="ml-2 font-mono text-xs text-zinc-500">from {t.lastUsedIp}</span>}
            </Row>
            <Row label="Successful calls, all time"><span data-testid="details-usage">{t.usageCount.toLocaleString("en-US")} {t.usageCount === 1 ? "call" : "calls"}</span></Row>
            {t.previous && (
              <Row label="Previous secret">
                <span className="font-mono">{t.previous.masked}</span> valid until{" "}
                <time dateTime={t.previous.validUntil}>{t.previous.validUntil.replace("T", " ").slice(0, 16)} UTC</time>
                {t.actions.manage && (
                  <div className="mt-2">
                  <Button
                    size="sm"
                    variant="secondary"
                    disabled={pending}
                    onClick={() =>
                      start(async () => {
                        const result = await callAction(() => endOverlapAction(orgSlug, { id: t.id }));
                        if (result.ok) changed();
                        else setError(result.error);
                      })
                    }
                  >
                    End overlap now
                  </Button>
                  </div>
                )}
              </Row>
            )}
            <Row label="Token ID"><span className="font-mono text-xs">{t.id}</span></Row>
          </dl>
          <FormError message={error} />
          <div className="mt-6 flex items-center justify-between">
            <h3 className="text-sm font-semibold text-zinc-900">Guard rails</h3>
            {t.actions.manage && !editing && (
              <Button size="sm" variant="ghost" onClick={() => setEditing(true)}>
                Edit rules
              </Button>
            )}
          </div>
          {editing ? (
            <RulesEditor
              orgSlug={orgSlug}
              token={t}
              gatewayModels={t.kind === "GATEWAY" ? gatewayModels ?? t.allowedModels : undefined}
              onDone={() => {
                setEditing(false);
                changed();
              }}
              onCancel={() => setEditing(false)}
            />
          ) : (
            <dl className="mt-2 divide-y divide-zinc-100 border-y border-zinc-100">
              <Row label="IP allowlist">{t.ipAllowlist.length ? <span className="font-mono text-xs">{t.ipAllowlist.join(", ")}</span> : "Any address"}</Row>
              <Row label="Rate limit">{t.rateLimitPerMinute ? `${t.rateLimitPerMinute.toLocaleString("en-US")} requests per minute` : "None"}</Row>
              {t.kind === "GATEWAY" && (
                <>
                  <Row label="Models">{t.allowedModels.length ? <span className="font-mono text-xs">{t.allowedModels.join(", ")}</span> : "All of the gateway's"}</Row>
                  <Row label="Monthly budget">
                    {t.monthlyTokenBudget !== null ? (
                      <span data-testid="budget-use">
                        {(t.monthTokens ?? 0).toLocaleString("en-US")} of {t.monthlyTokenBudget.toLocaleString("en-US")} tokens used this month
                      </span>
                    ) : (
                      "None"
                    )}
                  </Row>
                </>
              )}
            </dl>
          )}
          <RequestLog orgSlug={orgSlug} tokenId={t.id} />
          <h3 className="mt-6 text-sm font-semibold text-zinc-900">Recent changes</h3>
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
