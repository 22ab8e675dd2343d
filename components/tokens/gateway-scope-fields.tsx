"use client";

import { SelectField } from "@/components/ui/field";
import { useCreateFieldErrors } from "./create-token-dialog";

/** The target gateway, preselected when the form opens from a gateway's Developer Console. */
export function GatewayScopeFields({ gateways, defaultGatewayId }: { gateways: Array<{ id: string; name: string; slug: string }>; defaultGatewayId?: string }) {
  const errors = useCreateFieldErrors();
  return (
    <SelectField label="Gateway" name="gatewayId" defaultValue={defaultGatewayId ?? ""} required error={errors.gatewayId}>
      {!defaultGatewayId && <option value="">Choose a gateway…</option>}
      {gateways.map((g) => (
        <option key={g.id} value={g.id}>
          {g.name} ({g.slug})
        </option>
      ))}
    </SelectField>
  );
}
