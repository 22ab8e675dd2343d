"use client";

import { useState, useTransition, type ReactNode } from "react";
import type { ActionResult } from "@/lib/actions/frame";
import { Button } from "./button";
import { callAction } from "./call-action";
import { Dialog } from "./dialog";
import { FormError } from "./field";
import { TypedConfirmation } from "./typed-confirmation";

/**
 * The one confirmation dialog: every destructive or privilege-raising action
 * (revoke, delete, remove, make admin) states its consequences in `children`,
 * asks for the name typed where data or access is lost (`typed`), and shows the
 * action's refusal in place. `confirm` runs the server action; `onDone` gets its data.
 */
export function ConfirmDialog<T>({
  open,
  onOpenChange,
  title,
  description,
  children,
  typed,
  confirmLabel,
  pendingLabel,
  tone = "danger",
  confirm,
  onDone,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description?: ReactNode;
  children?: ReactNode;
  /** When set, the button is enabled only once this is typed exactly. */
  typed?: string;
  confirmLabel: string;
  pendingLabel: string;
  tone?: "danger" | "primary";
  confirm: (typedValue: string) => Promise<ActionResult<T>>;
  onDone: (data: T) => void;
}) {
  const [value, setValue] = useState("");
  const [error, setError] = useState<string>();
  const [pending, start] = useTransition();
  const close = (next: boolean) => {
    if (!next) {
      setValue("");
      setError(undefined);
    }
    onOpenChange(next);
  };
  const ready = typed === undefined || value === typed;
  return (
    <Dialog open={open} onOpenChange={close} title={title} description={description}>
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          if (!ready) return;
          start(async () => {
            const result = await callAction(() => confirm(value));
            if (!result.ok) return setError(result.error);
            setValue("");
            setError(undefined);
            onDone(result.data);
          });
        }}
      >
        {children}
        {typed !== undefined && <TypedConfirmation expected={typed} value={value} onChange={setValue} />}
        <FormError message={error} />
        <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
          <Button variant="secondary" onClick={() => close(false)}>
            Cancel
          </Button>
          <Button type="submit" variant={tone} disabled={!ready || pending}>
            {pending ? pendingLabel : confirmLabel}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
