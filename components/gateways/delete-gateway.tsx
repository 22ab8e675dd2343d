"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { deleteGatewayAction } from "@/app/o/[org]/gateways/actions";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormError } from "@/components/ui/field";
import { TypedConfirmation } from "@/components/ui/typed-confirmation";

export function DeleteGatewayButton({ orgSlug, gateway }: { orgSlug: string; gateway: { id: string; slug: string; name: string } }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const [error, setError] = useState<string>();
  const [pending, start] = useTransition();
  return (
    <>
      <Button variant="danger" onClick={() => setOpen(true)}>
        Delete gateway
      </Button>
      {open && (
        <Dialog open onOpenChange={setOpen} title={`Delete ${gateway.name}?`} description="Every token of this gateway is revoked with it. This cannot be undone.">
          <form
            className="space-y-4"
            onSubmit={(e) => {
              e.preventDefault();
              start(async () => {
                const result = await deleteGatewayAction(orgSlug, gateway.id, typed);
                if (!result.ok) return setError(result.error);
                router.push(`/o/${orgSlug}/gateways`);
                router.refresh();
              });
            }}
          >
            <TypedConfirmation expected={gateway.slug} value={typed} onChange={setTyped} />
            <FormError message={error} />
            <div className="flex justify-end gap-2">
              <Button variant="secondary" onClick={() => setOpen(false)}>
                Cancel
              </Button>
              <Button type="submit" variant="danger" disabled={typed !== gateway.slug || pending}>
                {pending ? "Deleting…" : "Delete gateway"}
              </Button>
            </div>
          </form>
        </Dialog>
      )}
    </>
  );
}
