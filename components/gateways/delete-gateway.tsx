"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { deleteGatewayAction } from "@/lib/actions/gateways";

export function DeleteGatewayButton({
  orgSlug,
  gateway,
}: {
  orgSlug: string;
  gateway: { id: string; slug: string; name: string; activeTokens: number };
}) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const n = gateway.activeTokens;
  return (
    <>
      <Button variant="danger" onClick={() => setOpen(true)}>
        Delete gateway
      </Button>
      <ConfirmDialog
        open={open}
        onOpenChange={setOpen}
        title={`Delete ${gateway.name}?`}
        description="This cannot be undone."
        typed={gateway.slug}
        confirmLabel="Delete gateway"
        pendingLabel="Deleting…"
        confirm={(confirmation) => deleteGatewayAction(orgSlug, { id: gateway.id, confirmation })}
        onDone={() => {
          router.push(`/o/${orgSlug}/gateways`);
          router.refresh();
        }}
      >
        <p className="text-sm text-zinc-700">
          {n === 0
            ? "It has no active tokens."
            : `Its ${n === 1 ? "active token is" : `${n} active tokens are`} revoked with it: callers get 401 errors at once.`}
        </p>
      </ConfirmDialog>
    </>
  );
}
