"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { createWebhookEndpointAction, updateWebhookEndpointAction } from "@/lib/actions/webhooks";
import { WEBHOOK_EVENT_LABELS, WEBHOOK_EVENT_TYPES, webhookEndpointInput, webhookEndpointUpdate, type WebhookEventType } from "@/lib/schemas/webhooks";
import { Button, FormActions } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { ChoiceCard, FormError, TextField } from "@/components/ui/field";
import { useFormAction } from "@/components/ui/use-form-action";
import { SecretModal, takeSecret, type SecretHolder } from "@/components/tokens/secret-modal";
import { WEBHOOK_SECRET_WORDING, verifySnippets } from "./secret-wording";

export interface EditableEndpoint {
  id: string;
  url: string;
  description: string;
  events: WebhookEventType[];
}

/** URL, description and event types: the fields of both the create and the edit dialog. */
function EndpointFields({ endpoint, errors }: { endpoint?: EditableEndpoint; errors: Record<string, string> }) {
  const [scope, setScope] = useState<"all" | "some">(endpoint && endpoint.events.length > 0 ? "some" : "all");
  return (
    <>
      <TextField
        label="Endpoint URL"
        name="url"
        type="url"
        inputMode="url"
        required
        defaultValue={endpoint?.url}
        placeholder="https://example.com/webhooks/keysmith"
        hint="Keysmith POSTs each event here, signed. Private and loopback addresses are refused."
        error={errors.url}
      />
      <TextField label="Description (optional)" name="description" defaultValue={endpoint?.description} maxLength={200} placeholder="e.g. SIEM ingest" error={errors.description} />
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-zinc-800">Events</legend>
        <div className="grid gap-2 sm:grid-cols-2">
          <ChoiceCard name="eventScope" value="all" label="All events" help="Including event types added later." checked={scope === "all"} onChange={() => setScope("all")} />
          <ChoiceCard name="eventScope" value="some" label="Only these" help="Choose the event types below." checked={scope === "some"} onChange={() => setScope("some")} />
        </div>
        {scope === "some" && (
          <div className="grid gap-1.5 rounded-md border border-zinc-200 p-3 sm:grid-cols-2" aria-describedby={errors.events ? "events-error" : undefined}>
            {WEBHOOK_EVENT_TYPES.map((type) => (
              <label key={type} className="flex items-start gap-2 text-sm">
                <input type="checkbox" name="events" value={type} defaultChecked={endpoint?.events.includes(type)} className="mt-0.5 accent-brand-600" />
                <span>
                  <span className="block font-mono text-xs text-zinc-900">{type}</span>
                  <span className="text-xs text-zinc-500">{WEBHOOK_EVENT_LABELS[type]}</span>
                </span>
              </label>
            ))}
          </div>
        )}
        {errors.events && (
          <p id="events-error" className="text-sm text-red-600">
            {errors.events}
          </p>
        )}
      </fieldset>
    </>
  );
}

/** "Add endpoint": the dialog, then its signing secret in the show-once modal, then the endpoint's page. */
export function AddEndpointButton({ orgSlug }: { orgSlug: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [shown, setShown] = useState<{ secret: SecretHolder; id: string; url: string } | null>(null);
  const { onSubmit, pending, fieldErrors, formError } = useFormAction(createWebhookEndpointAction.bind(null, orgSlug), {
    schema: webhookEndpointInput,
    onSuccess: (created) => {
      setOpen(false);
      setShown({ secret: takeSecret(created), id: created.endpoint.id, url: created.endpoint.url });
    },
  });
  return (
    <>
      <Button onClick={() => setOpen(true)}>Add endpoint</Button>
      <Dialog open={open} onOpenChange={setOpen} title="Add a webhook endpoint" description="Token and member events of this organization are sent to it as they happen.">
        <form onSubmit={onSubmit} className="space-y-4" noValidate>
          <EndpointFields errors={fieldErrors} />
          <FormError message={formError} />
          <FormActions onCancel={() => setOpen(false)} pending={pending} label="Add endpoint" pendingLabel="Adding…" />
        </form>
      </Dialog>
      {shown && (
        <SecretModal
          secret={shown.secret}
          tokenName={shown.url}
          wording={WEBHOOK_SECRET_WORDING(false)}
          snippets={verifySnippets}
          onClose={() => {
            const id = shown.id;
            setShown(null);
            router.push(`/o/${orgSlug}/webhooks/${id}`);
          }}
        />
      )}
    </>
  );
}

export function EditEndpointButton({ orgSlug, endpoint, onSaved }: { orgSlug: string; endpoint: EditableEndpoint; onSaved: () => void }) {
  const [open, setOpen] = useState(false);
  const { onSubmit, pending, fieldErrors, formError } = useFormAction(updateWebhookEndpointAction.bind(null, orgSlug), {
    schema: webhookEndpointUpdate,
    onSuccess: () => {
      setOpen(false);
      onSaved();
    },
  });
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Edit
      </Button>
      <Dialog open={open} onOpenChange={setOpen} title="Edit endpoint">
        <form onSubmit={onSubmit} className="space-y-4" noValidate>
          <input type="hidden" name="id" value={endpoint.id} />
          <EndpointFields endpoint={endpoint} errors={fieldErrors} />
          <FormError message={formError} />
          <FormActions onCancel={() => setOpen(false)} pending={pending} label="Save" pendingLabel="Saving…" />
        </form>
      </Dialog>
    </>
  );
}
