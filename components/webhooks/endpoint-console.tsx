"use client";

import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import {
  deleteWebhookEndpointAction,
  redeliverWebhookAction,
  rotateWebhookSecretAction,
  sendWebhookTestAction,
  setWebhookEndpointEnabledAction,
} from "@/lib/actions/webhooks";
import type { ActionResult } from "@/lib/actions/frame";
import { OVERLAP_CHOICES, OVERLAP_LABELS } from "@/lib/schemas/tokens";
import { WEBHOOK_EVENT_TYPES } from "@/lib/schemas/webhooks";
import type { DeliveryView, EndpointView } from "@/lib/webhooks/service";
import { Badge, Card, EmptyState } from "@/components/ui/card";
import { Button, FormActions } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Dialog } from "@/components/ui/dialog";
import { FormError, SelectField } from "@/components/ui/field";
import { Cell, Row, Table } from "@/components/ui/table";
import { useFormAction } from "@/components/ui/use-form-action";
import { RelativeTime } from "@/components/tokens/token-bits";
import { SecretModal, takeSecret, type SecretHolder } from "@/components/tokens/secret-modal";
import { EditEndpointButton } from "./endpoint-form";
import { WEBHOOK_SECRET_WORDING, verifySnippets } from "./secret-wording";

const REFRESH_MS = 3_000;

export interface EndpointPage {
  endpoint: EndpointView;
  deliveries: { items: DeliveryView[]; total: number; page: number; pageCount: number };
}

export function EndpointStatus({ endpoint }: { endpoint: Pick<EndpointView, "enabled" | "failingSince"> }) {
  if (!endpoint.enabled) return <Badge tone="zinc">Disabled</Badge>;
  if (endpoint.failingSince) return <Badge tone="amber">Failing</Badge>;
  return <Badge tone="green">Enabled</Badge>;
}

const DELIVERY_STATUS = {
  SUCCEEDED: { label: "Delivered", tone: "green" },
  FAILED: { label: "Failed", tone: "red" },
} as const;

function DeliveryStatus({ d }: { d: DeliveryView }) {
  if (d.status !== "PENDING") return <Badge tone={DELIVERY_STATUS[d.status].tone}>{DELIVERY_STATUS[d.status].label}</Badge>;
  return <Badge tone={d.attempts > 0 ? "amber" : "zinc"}>{d.attempts > 0 ? "Retrying" : "Pending"}</Badge>;
}

/** The endpoint's page: its state and actions, and the deliveries log, refreshed every few seconds. */
export function EndpointConsole({ orgSlug, initial, page }: { orgSlug: string; initial: EndpointPage; page: number }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const queryKey = ["webhook", orgSlug, initial.endpoint.id, page];
  const { data, isError } = useQuery({
    queryKey,
    queryFn: async (): Promise<EndpointPage> => {
      const res = await fetch(`/api/console/${orgSlug}/webhooks/${initial.endpoint.id}/deliveries?page=${page}`, { cache: "no-store" });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return res.json();
    },
    initialData: initial,
    placeholderData: keepPreviousData,
    refetchInterval: REFRESH_MS,
  });
  const { endpoint, deliveries } = data;
  const refresh = () => void queryClient.invalidateQueries({ queryKey });
  const [notice, setNotice] = useState<string>();
  const [error, setError] = useState<string>();
  const [pending, start] = useTransition();
  const run = (action: () => Promise<ActionResult<unknown>>, done: string) =>
    start(async () => {
      const result = await action();
      if (result.ok) {
        setError(undefined);
        setNotice(result.message ?? done);
        refresh();
      } else {
        setNotice(undefined);
        setError(result.error);
      }
    });

  return (
    <>
      <Card className="p-5">
        <div className="flex flex-col gap-4 lg:flex-row lg:items-start lg:justify-between">
          <div className="min-w-0">
            <div className="flex flex-wrap items-center gap-2">
              <EndpointStatus endpoint={endpoint} />
              {endpoint.previousSecretUntil && (
                <Badge tone="amber">Two secrets sign until {endpoint.previousSecretUntil.replace("T", " ").slice(0, 16)} UTC</Badge>
              )}
            </div>
            <p className="mt-2 break-all font-mono text-sm text-zinc-900">{endpoint.url}</p>
            <p className="mt-2 text-xs text-zinc-500">
              {endpoint.events.length === 0 ? `All events (${WEBHOOK_EVENT_TYPES.length} types, and any added later)` : endpoint.events.join(", ")}
            </p>
            {endpoint.disabledReason && <p className="mt-2 text-sm text-zinc-700">{endpoint.disabledReason}</p>}
            {endpoint.enabled && endpoint.failingSince && (
              <p className="mt-2 text-sm text-amber-800">
                Failing since <RelativeTime iso={endpoint.failingSince} />. It is disabled after 3 days of failures, and admins are e-mailed.
              </p>
            )}
          </div>
          <div className="flex flex-wrap gap-2 lg:justify-end">
            <Button variant="secondary" disabled={pending} onClick={() => run(() => sendWebhookTestAction(orgSlug, { id: endpoint.id }), "Test event queued.")}>
              Send test event
            </Button>
            <EditEndpointButton orgSlug={orgSlug} endpoint={endpoint} onSaved={refresh} />
            <RotateSecretButton orgSlug={orgSlug} endpoint={endpoint} onRotated={refresh} />
            <Button
              variant="secondary"
              disabled={pending}
              onClick={() =>
                run(
                  () => setWebhookEndpointEnabledAction(orgSlug, { id: endpoint.id, enabled: endpoint.enabled ? "false" : "true" }),
                  endpoint.enabled ? "Endpoint disabled: events are kept until you enable it." : "Endpoint enabled.",
                )
              }
            >
              {endpoint.enabled ? "Disable" : "Enable"}
            </Button>
            <DeleteEndpointButton orgSlug={orgSlug} endpoint={endpoint} onDeleted={() => router.push(`/o/${orgSlug}/webhooks`)} />
          </div>
        </div>
        <div aria-live="polite" className="mt-3 empty:hidden">
          {notice && <p className="text-sm text-emerald-700">{notice}</p>}
        </div>
        <FormError message={error} />
      </Card>

      <h2 className="mb-3 mt-8 text-base font-semibold text-zinc-900">Deliveries</h2>
      {isError && <FormError message="The deliveries log could not be refreshed. Retrying…" />}
      {deliveries.items.length === 0 ? (
        <EmptyState title="No deliveries yet">Events appear here as they are sent. Send a test event to try the endpoint.</EmptyState>
      ) : (
        <Card className="overflow-hidden">
          <Table
            columns={[
              { label: "Event" },
              { label: "Status" },
              { label: "Attempts", align: "right" },
              { label: "Response" },
              { label: "Latency", align: "right" },
              { label: "Next retry" },
              { label: "Actions", srOnly: true, align: "right" },
            ]}
          >
            {deliveries.items.map((d) => (
              <Row key={d.id} data-testid="delivery-row">
                <Cell label="Event" primary>
                  <div className="min-w-0">
                    <p className="font-mono text-xs font-medium text-zinc-900">{d.eventType}</p>
                    <p className="text-xs text-zinc-500">
                      <RelativeTime iso={d.createdAt} /> · <span className="break-all font-mono">{d.eventId}</span>
                    </p>
                  </div>
                </Cell>
                <Cell label="Status">
                  <DeliveryStatus d={d} />
                </Cell>
                <Cell label="Attempts" align="right" className="tabular-nums">
                  {d.attempts}
                </Cell>
                <Cell label="Response" className="text-xs">
                  {d.lastStatus !== null ? <span className="font-mono">{d.lastStatus}</span> : <span className="text-zinc-500">—</span>}
                  {d.lastError && <span className="mt-0.5 block max-w-xs text-zinc-600">{d.lastError}</span>}
                </Cell>
                <Cell label="Latency" align="right" className="tabular-nums text-xs">
                  {d.lastLatencyMs !== null ? `${d.lastLatencyMs} ms` : "—"}
                </Cell>
                <Cell label="Next retry" className="text-xs text-zinc-600">
                  {d.nextAttemptAt ? <RelativeTime iso={d.nextAttemptAt} /> : d.deliveredAt ? <>delivered <RelativeTime iso={d.deliveredAt} /></> : "gave up"}
                </Cell>
                <Cell label="Actions" align="right" className={d.status === "PENDING" ? "max-sm:hidden" : undefined}>
                  {d.status !== "PENDING" && (
                    <Button
                      variant="ghost"
                      size="sm"
                      disabled={pending}
                      aria-label={`Redeliver ${d.eventType} ${d.eventId}`}
                      onClick={() => run(() => redeliverWebhookAction(orgSlug, { id: endpoint.id, deliveryId: d.id }), "Redelivery queued.")}
                    >
                      Redeliver
                    </Button>
                  )}
                </Cell>
              </Row>
            ))}
          </Table>
          {deliveries.pageCount > 1 && (
            <nav aria-label="Deliveries pages" className="flex items-center justify-between border-t border-zinc-100 px-4 py-3 text-sm">
              <span className="text-zinc-600">
                Page {deliveries.page} of {deliveries.pageCount} ({deliveries.total} deliveries)
              </span>
              <span className="flex gap-2">
                {deliveries.page > 1 && (
                  <Button variant="secondary" size="sm" onClick={() => router.push(`?page=${deliveries.page - 1}`)}>
                    Newer
                  </Button>
                )}
                {deliveries.page < deliveries.pageCount && (
                  <Button variant="secondary" size="sm" onClick={() => router.push(`?page=${deliveries.page + 1}`)}>
                    Older
                  </Button>
                )}
              </span>
            </nav>
          )}
        </Card>
      )}
    </>
  );
}

/** A new signing secret, shown once; the old one can keep signing for a while (receivers switch over meanwhile). */
function RotateSecretButton({ orgSlug, endpoint, onRotated }: { orgSlug: string; endpoint: EndpointView; onRotated: () => void }) {
  const [open, setOpen] = useState(false);
  const [shown, setShown] = useState<{ secret: SecretHolder; until: string | null } | null>(null);
  const { onSubmit, pending, fieldErrors, formError } = useFormAction(rotateWebhookSecretAction.bind(null, orgSlug), {
    onSuccess: (rotated) => {
      setOpen(false);
      setShown({ secret: takeSecret(rotated), until: rotated.endpoint.previousSecretUntil });
      onRotated();
    },
  });
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Rotate secret
      </Button>
      <Dialog open={open} onOpenChange={setOpen} title="Rotate the signing secret" description="A new secret signs every delivery from now on.">
        <form onSubmit={onSubmit} className="space-y-4" noValidate>
          <input type="hidden" name="id" value={endpoint.id} />
          <SelectField
            label="Keep signing with the current secret too for"
            name="overlap"
            defaultValue="24h"
            hint="Each delivery then carries both signatures, so receivers still holding the current secret keep accepting it while you update them."
            error={fieldErrors.overlap}
          >
            {OVERLAP_CHOICES.map((c) => (
              <option key={c} value={c}>
                {c === "none" ? "No overlap: the current secret stops now" : OVERLAP_LABELS[c]}
              </option>
            ))}
          </SelectField>
          <FormError message={formError} />
          <FormActions onCancel={() => setOpen(false)} pending={pending} label="Rotate secret" pendingLabel="Rotating…" />
        </form>
      </Dialog>
      {shown && (
        <SecretModal
          secret={shown.secret}
          tokenName={endpoint.url}
          regenerated
          previousValidUntil={shown.until}
          wording={WEBHOOK_SECRET_WORDING(true)}
          snippets={verifySnippets}
          onClose={() => setShown(null)}
        />
      )}
    </>
  );
}

function DeleteEndpointButton({ orgSlug, endpoint, onDeleted }: { orgSlug: string; endpoint: EndpointView; onDeleted: () => void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="danger" onClick={() => setOpen(true)}>
        Delete
      </Button>
      <ConfirmDialog
        open={open}
        onOpenChange={setOpen}
        title="Delete this endpoint?"
        description={
          <>
            No more events go to <span className="break-all font-mono">{endpoint.url}</span>, and its deliveries log is deleted with it. To pause it instead, disable it.
          </>
        }
        confirmLabel="Delete endpoint"
        pendingLabel="Deleting…"
        confirm={() => deleteWebhookEndpointAction(orgSlug, { id: endpoint.id })}
        onDone={() => {
          setOpen(false);
          onDeleted();
        }}
      />
    </>
  );
}
