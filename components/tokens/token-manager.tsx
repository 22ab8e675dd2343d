"use client";

import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { memo, useCallback, useEffect, useRef, useState, useTransition, type ReactNode } from "react";
import { regenerateTokenAction, setTokenActiveAction, type IssuedSecret } from "@/lib/actions/tokens";
import { Button, FormActions } from "@/components/ui/button";
import { Card, EmptyState } from "@/components/ui/card";
import { Cell, Row, Table } from "@/components/ui/table";
import { Dialog } from "@/components/ui/dialog";
import { FormError, SelectField } from "@/components/ui/field";
import { useFormAction } from "@/components/ui/use-form-action";
import { OVERLAP_CHOICES, OVERLAP_LABELS, regenerateTokenInput, type TokenListQuery } from "@/lib/schemas/tokens";
import type { ConsoleToken, ConsoleTokenPage, ShownToken } from "@/lib/tokens/console";
import { KINDS, kindOfSlug, type KindSlug } from "@/lib/tokens/kinds";
import type { TokenPolicy } from "@/lib/tokens/lifetime";
import { CreateTokenDialog } from "./create-token-dialog";
import { ExpiryFields } from "./expiry-fields";
import { ListControls } from "./token-list-controls";
import { RevokeDialog } from "./revoke-dialog";
import { SecretModal, takeSecret, type SecretHolder } from "./secret-modal";
import { ExactDate, ExpiryDate, RelativeTime, StatusBadge } from "./token-bits";
import { TokenDetails } from "./token-details";
import { TokenRowActions, type RowIntent } from "./token-row-actions";
import { CreatedBy, HygieneBadges, RuleBadges, TokenScope } from "./token-scope";
import { callAction } from "@/components/ui/call-action";
import { gatewaySnippets, workspaceSnippets, type Snippet } from "@/lib/snippets";
import { KeyRound, Plus } from "lucide-react";

const REFRESH_MS = 4_000;

type Open =
  | { type: "create" }
  | { type: "details"; id: string; token?: ConsoleToken }
  | { type: "revoke" | "regenerate"; token: ConsoleToken }
  | { type: "secret"; secret: SecretHolder; token: ShownToken; regenerated: boolean }
  | null;

/** What the list's URL says, as query parameters (the console JSON route reads the same). */
function listSearch(query: TokenListQuery): URLSearchParams {
  const params = new URLSearchParams();
  if (query.q) params.set("q", query.q);
  if (query.status) params.set("status", query.status);
  if (query.filter) params.set("filter", query.filter);
  if (query.sort !== "created" || query.dir !== "desc") {
    params.set("sort", query.sort);
    params.set("dir", query.dir);
  }
  if (query.after) params.set("after", query.after);
  else if (query.before) params.set("before", query.before);
  return params;
}

/**
 * The one token table, for every kind: live list (refreshed on focus and every
 * few seconds), search, status and hygiene filters, sorts, pages by cursor (the
 * whole view lives in the URL, so it can be shared and survives a reload), row
 * actions and their dialogs.
 */
export function TokenManager({
  orgSlug,
  kind,
  initial,
  query,
  gatewaySlug,
  create,
}: {
  orgSlug: string;
  kind: KindSlug;
  /** Only this gateway's tokens (the gateway's Developer Console). */
  gatewaySlug?: string;
  initial: ConsoleTokenPage;
  query: TokenListQuery;
  create?: { title: string; description?: ReactNode; scopeFields?: ReactNode; gatewayModels?: string[] };
}) {
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  const queryClient = useQueryClient();
  // A link such as the admins' e-mail may name a token (?token=<id>): open its details.
  const linked = search.get("token");
  // …and ?new=1 (the command palette's "Create a token") opens the create dialog.
  const [open, setOpen] = useState<Open>(() => (linked ? { type: "details", id: linked } : create && search.get("new") === "1" ? { type: "create" } : null));
  // A link followed while on this page (the command palette's token results) opens that token too.
  const shownLink = useRef(linked);
  useEffect(() => {
    if (linked && linked !== shownLink.current) setOpen({ type: "details", id: linked });
    shownLink.current = linked;
  }, [linked]);
  const [notice, setNotice] = useState<string>();
  const [error, setError] = useState<string>();
  const [, startTransition] = useTransition();

  const queryKey = ["tokens", orgSlug, kind, gatewaySlug ?? "", listSearch(query).toString()];
  const { data, isRefetchError, dataUpdatedAt } = useQuery({
    queryKey,
    queryFn: async (): Promise<ConsoleTokenPage> => {
      const params = listSearch(query);
      params.set("kind", kind);
      if (gatewaySlug) params.set("gateway", gatewaySlug);
      const res = await fetch(`/api/console/${orgSlug}/tokens?${params}`, { cache: "no-store" });
      if (!res.ok) throw new Error(`Could not refresh tokens (${res.status}).`);
      return res.json();
    },
    initialData: initial,
    refetchInterval: REFRESH_MS,
    refetchOnWindowFocus: true,
    placeholderData: keepPreviousData,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["tokens", orgSlug, kind] });
  // What create and regenerate may offer: the org's lifetime policy, as of the last refresh.
  const policy = data.policy;

  /** A new view: any change but paging starts again from the first page. */
  function navigate(next: Partial<TokenListQuery> & { token?: null }) {
    const paging = "after" in next || "before" in next;
    const merged: TokenListQuery = { ...query, ...(paging ? {} : { after: undefined, before: undefined }), ...next };
    const params = listSearch(merged);
    const token = search.get("token");
    if (token && next.token !== null) params.set("token", token);
    const qs = params.toString();
    router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
  }

  const filtered = Boolean(query.q || query.status || query.filter);

  function onIntent(token: ConsoleToken, intent: RowIntent) {
    setError(undefined);
    setNotice(undefined);
    if (intent === "copy-prefix") {
      void navigator.clipboard.writeText(token.prefix).then(() => setNotice(`Copied prefix ${token.prefix}`));
    } else if (intent === "activate" || intent === "deactivate") {
      startTransition(async () => {
        const result = await callAction(() => setTokenActiveAction(orgSlug, { id: token.id, active: intent === "activate" }));
        if (result.ok) setNotice(`${token.name} ${intent === "activate" ? "activated" : "deactivated"}.`);
        else setError(result.error);
        await refresh();
      });
    } else if (intent === "details") {
      setOpen({ type: "details", id: token.id, token });
    } else {
      setOpen({ type: intent, token });
    }
  }

  // Rows are memoized on their token alone, so they get one stable handler that
  // always calls the latest onIntent (and never pins an old render's state).
  const intentRef = useRef(onIntent);
  useEffect(() => {
    intentRef.current = onIntent;
  });
  const onRowIntent = useCallback((token: ConsoleToken, intent: RowIntent) => intentRef.current(token, intent), []);

  return (
    <div className="space-y-4">
      <div className="flex flex-col gap-3 lg:flex-row lg:items-end lg:justify-between">
        <ListControls query={query} onChange={navigate} />
        {create && (
          <Button className="self-start lg:self-auto" onClick={() => setOpen({ type: "create" })}>
            <Plus aria-hidden className="size-4" />
            Create token
          </Button>
        )}
      </div>

      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm text-zinc-500" aria-live="polite" data-testid="token-count">
          {data.total.toLocaleString("en-US")} {data.total === 1 ? "token" : "tokens"}
          {filtered ? " match" : ""}
        </p>
        {filtered && (
          <Button size="sm" variant="ghost" onClick={() => navigate({ q: undefined, status: undefined, filter: undefined })}>
            Clear search and filters
          </Button>
        )}
      </div>

      <div aria-live="polite">
        {notice && <p className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">{notice}</p>}
        <FormError message={error} />
        {isRefetchError && (
          <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
            Could not refresh the list: showing it as of {new Date(dataUpdatedAt).toLocaleTimeString("en-GB")}. Retrying every few seconds.
          </p>
        )}
      </div>

      {data.items.length === 0 ? (
        <EmptyState icon={KeyRound} title={filtered ? "No tokens match" : "No tokens yet"}>
          {filtered ? "Try another search or filter." : create ? "Create one to call the API." : null}
        </EmptyState>
      ) : (
        <Card className="overflow-hidden">
          <Table
            className="md:min-w-[50rem]"
            columns={[
              { label: "Name" },
              { label: KINDS[kindOfSlug(kind)].scopeHeading, className: "hidden md:table-cell" },
              { label: "Created", className: "hidden lg:table-cell" },
              { label: "Expires", className: "hidden md:table-cell" },
              { label: "Last used", className: "hidden sm:table-cell" },
              { label: "Usage", align: "right", className: "hidden sm:table-cell" },
              { label: "Status" },
              { label: "Actions", srOnly: true },
            ]}
          >
            {data.items.map((t) => (
              <TokenRow key={t.id} token={t} scopeHeading={KINDS[kindOfSlug(kind)].scopeHeading} onIntent={onRowIntent} />
            ))}
          </Table>
        </Card>
      )}

      {(data.prev || data.next) && (
        <nav aria-label="Pagination" className="flex items-center justify-end gap-2 text-sm text-zinc-600">
          <Button variant="secondary" size="sm" disabled={!data.prev} onClick={() => data.prev && navigate({ before: data.prev, after: undefined })}>
            Previous
          </Button>
          <Button variant="secondary" size="sm" disabled={!data.next} onClick={() => data.next && navigate({ after: data.next, before: undefined })}>
            Next
          </Button>
        </nav>
      )}

      {open?.type === "create" && create && (
        <CreateTokenDialog
          orgSlug={orgSlug}
          kind={kind}
          title={create.title}
          description={create.description}
          scopeFields={create.scopeFields}
          gatewayModels={create.gatewayModels}
          policy={policy}
          onClose={() => setOpen(null)}
          onCreated={(issued) => {
            setOpen({ type: "secret", secret: takeSecret(issued), token: issued.token, regenerated: false });
            void refresh();
          }}
        />
      )}
      {open?.type === "secret" && (
        <SecretModal
          secret={open.secret}
          tokenName={open.token.name}
          regenerated={open.regenerated}
          previousValidUntil={open.token.previous?.validUntil}
          snippets={(secret) => snippetsFor(kind, orgSlug, secret, create?.gatewayModels?.[0])}
          onClose={() => setOpen(null)}
        />
      )}
      {open?.type === "details" && (
        <TokenDetails
          orgSlug={orgSlug}
          tokenId={open.id}
          token={open.token}
          gatewayModels={create?.gatewayModels}
          onChanged={() => void refresh()}
          onClose={() => {
            setOpen(null);
            if (linked) navigate({ token: null });
          }}
        />
      )}
      {open?.type === "revoke" && (
        <RevokeDialog
          orgSlug={orgSlug}
          token={open.token}
          onClose={() => setOpen(null)}
          onDone={() => {
            setNotice(`${open.token.name} revoked.`);
            setOpen(null);
            void refresh();
          }}
        />
      )}
      {open?.type === "regenerate" && (
        <RegenerateDialog
          orgSlug={orgSlug}
          token={open.token}
          policy={policy}
          onClose={() => setOpen(null)}
          onDone={(issued) => {
            setOpen({ type: "secret", secret: takeSecret(issued), token: issued.token, regenerated: true });
            void refresh();
          }}
        />
      )}
    </div>
  );
}

/** Rows re-render only when their token changed (React Query keeps unchanged objects identical). */
const TokenRow = memo(function TokenRow({
  token: t,
  scopeHeading,
  onIntent,
}: {
  token: ConsoleToken;
  scopeHeading: string;
  onIntent: (t: ConsoleToken, i: RowIntent) => void;
}) {
  return (
    <Row data-testid={`token-row-${t.name}`}>
      <Cell label="Name" primary className="min-w-[9rem] md:min-w-[11rem]">
        <div>
          <button type="button" onClick={() => onIntent(t, "details")} className="text-left font-medium text-zinc-900 hover:text-brand-700 hover:underline">
            {t.name}
          </button>
          <p className="mt-0.5 whitespace-nowrap font-mono text-xs text-zinc-500">{t.masked}</p>
          <HygieneBadges token={t} />
          <RuleBadges token={t} />
        </div>
      </Cell>
      <Cell label={scopeHeading} className="hidden md:table-cell">
        <TokenScope token={t} compact />
      </Cell>
      <Cell label="Created" className="hidden text-zinc-600 lg:table-cell">
        <div>
          <span className="whitespace-nowrap"><ExactDate iso={t.createdAt} /></span>
          <span className="block text-xs text-zinc-500">by <CreatedBy token={t} /></span>
        </div>
      </Cell>
      <Cell label="Expires" className="hidden whitespace-nowrap text-zinc-600 md:table-cell"><ExpiryDate iso={t.expiresAt} /></Cell>
      <Cell label="Last used" className="hidden whitespace-nowrap text-zinc-600 sm:table-cell"><RelativeTime iso={t.lastUsedAt} /></Cell>
      <Cell label="Usage" align="right" className="hidden tabular-nums text-zinc-900 sm:table-cell" data-testid="usage-count">{t.usageCount.toLocaleString("en-US")}</Cell>
      <Cell label="Status"><StatusBadge status={t.status} /></Cell>
      <Cell label="Actions" className="whitespace-nowrap sm:text-right"><TokenRowActions token={t} onIntent={(i) => onIntent(t, i)} /></Cell>
    </Row>
  );
}, (a, b) => a.token === b.token);

function RegenerateDialog({
  orgSlug,
  token,
  policy,
  onClose,
  onDone,
}: {
  orgSlug: string;
  token: ConsoleToken;
  policy: TokenPolicy;
  onClose: () => void;
  onDone: (issued: IssuedSecret) => void;
}) {
  const { onSubmit, pending, fieldErrors, formError } = useFormAction(regenerateTokenAction.bind(null, orgSlug), { schema: regenerateTokenInput, onSuccess: onDone });
  const current = token.expiresAt ? `Keep: expires ${token.expiresAt.slice(0, 10)}` : "Keep: never expires";
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title={`Regenerate ${token.name}?`} description="A new secret replaces the current one.">
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        <input type="hidden" name="id" value={token.id} />
        <p className="text-sm text-zinc-700">
          Everything else — name, scope, rules, usage history — stays. Choose how long the current secret (
          <span className="font-mono">{token.masked}</span>) keeps working, so clients can switch over.
        </p>
        {token.previous && (
          <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
            The older secret {token.previous.masked}, still in its overlap, stops working now: a token keeps at most one previous secret.
          </p>
        )}
        <FormError message={formError} />
        <SelectField label="Overlap" name="overlap" defaultValue="none" error={fieldErrors.overlap}>
          {OVERLAP_CHOICES.map((c) => (
            <option key={c} value={c}>
              {OVERLAP_LABELS[c]}
            </option>
          ))}
        </SelectField>
        {token.beyondPolicy && (
          <p className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
            Its current expiry is beyond the organization&apos;s token policy: choose a new one for the new secret.
          </p>
        )}
        <ExpiryFields policy={policy} errors={fieldErrors} keep={token.beyondPolicy ? undefined : { label: current }} defaultChoice="keep" />
        <FormActions onCancel={onClose} pending={pending} label="Regenerate token" pendingLabel="Regenerating…" />
      </form>
    </Dialog>
  );
}

/** The show-once modal's snippets: the secret in place, ready to run. */
function snippetsFor(kind: KindSlug, orgSlug: string, secret: string, model = "your-model"): Snippet[] {
  const origin = window.location.origin;
  return kind === "gateway" ? gatewaySnippets(origin, model, secret) : workspaceSnippets(origin, orgSlug, secret);
}
