"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { createGatewayAction, updateGatewayAction } from "@/lib/actions/gateways";
import { Button, FormActions } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { ChoiceCard, FormError, TextAreaField, TextField } from "@/components/ui/field";
import { useFormAction } from "@/components/ui/use-form-action";
import type { GatewayView } from "@/lib/gateways/service";
import { gatewayInput, gatewayUpdate, UPSTREAM_LABELS } from "@/lib/schemas/gateways";
import { slugify } from "@/lib/schemas/orgs";

/** Create or configure a gateway (admins). An existing upstream key is never shown: only replaced. */
export function GatewayFormButton({ orgSlug, gateway }: { orgSlug: string; gateway?: GatewayView }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant={gateway ? "secondary" : "primary"} onClick={() => setOpen(true)}>
        {gateway ? "Edit gateway" : "Create gateway"}
      </Button>
      {open && (
        <Dialog open onOpenChange={setOpen} title={gateway ? `Edit ${gateway.name}` : "Create gateway"} description="Where calls to this gateway go, and which models callers may use.">
          <GatewayForm orgSlug={orgSlug} gateway={gateway} onDone={() => setOpen(false)} />
        </Dialog>
      )}
    </>
  );
}

function GatewayForm({ orgSlug, gateway, onDone }: { orgSlug: string; gateway?: GatewayView; onDone: () => void }) {
  const router = useRouter();
  const [type, setType] = useState<"ECHO" | "ANTHROPIC">(gateway?.upstreamType ?? "ECHO");
  const [slug, setSlug] = useState(gateway?.slug ?? "");
  const [slugEdited, setSlugEdited] = useState(Boolean(gateway));
  const action = gateway ? updateGatewayAction.bind(null, orgSlug) : createGatewayAction.bind(null, orgSlug);
  const { onSubmit, pending, fieldErrors, formError } = useFormAction(action, {
    schema: gateway ? gatewayUpdate : gatewayInput,
    onSuccess: ({ slug: saved }) => {
      onDone();
      router.push(`/o/${orgSlug}/gateways/${saved}`);
      router.refresh();
    },
  });
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <FormError message={formError} />
      {gateway && <input type="hidden" name="id" value={gateway.id} />}
      <TextField
        label="Name"
        name="name"
        required
        maxLength={64}
        defaultValue={gateway?.name}
        error={fieldErrors.name}
        onChange={(e) => !slugEdited && setSlug(slugify(e.target.value))}
      />
      <TextField
        label="Slug"
        name="slug"
        required
        value={slug}
        onChange={(e) => {
          setSlugEdited(true);
          setSlug(e.target.value);
        }}
        hint="Names the gateway in URLs and in the x-gateway header."
        error={fieldErrors.slug}
      />
      <fieldset>
        <legend className="text-sm font-medium text-zinc-800">Upstream</legend>
        <div className="mt-2 grid gap-2 sm:grid-cols-2">
          {(
            [
              ["ECHO", UPSTREAM_LABELS.ECHO, "Answers by echoing the last message. No network; for development and tests."],
              ["ANTHROPIC", UPSTREAM_LABELS.ANTHROPIC, "Forwards to any HTTP endpoint that speaks Anthropic's Messages API."],
            ] as const
          ).map(([value, label, help]) => (
            <ChoiceCard key={value} name="upstreamType" value={value} checked={type === value} onChange={() => setType(value)} label={label} help={help} />
          ))}
        </div>
      </fieldset>
      {type === "ANTHROPIC" && (
        <>
          <TextField
            label="Upstream base URL"
            name="upstreamBaseUrl"
            type="url"
            placeholder="https://api.anthropic.com"
            defaultValue={gateway?.upstreamBaseUrl ?? ""}
            hint={gateway ? "Changing the host clears the stored key: enter it again below." : undefined}
            error={fieldErrors.upstreamBaseUrl}
          />
          <TextField
            label="Upstream API key"
            name="upstreamApiKey"
            type="password"
            autoComplete="off"
            placeholder={gateway?.hasUpstreamKey ? "•••• set — type to replace" : "sk-ant-…"}
            hint="Stored encrypted. It is never shown again, only replaced."
            error={fieldErrors.upstreamApiKey}
          />
        </>
      )}
      <TextAreaField
        label="Models"
        name="models"
        rows={3}
        hint={type === "ECHO" ? "Leave empty for keysmith-echo-1. Separate with commas or new lines." : "Separate with commas or new lines."}
        error={fieldErrors.models}
        defaultValue={gateway?.models.join("\n") ?? ""}
        placeholder={type === "ECHO" ? "keysmith-echo-1" : "claude-sonnet-4-5"}
      />
      <FormActions onCancel={onDone} pending={pending} label={gateway ? "Save gateway" : "Create gateway"} pendingLabel="Saving…" />
    </form>
  );
}
