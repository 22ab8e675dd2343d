"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { CodeBlock } from "@/components/ui/code-block";
import { Dialog } from "@/components/ui/dialog";
import type { Snippet } from "@/lib/snippets";

/** A secret kept where it can be wiped: blanking `value` in place leaves no copy in React's retained renders, props or closures. */
export interface SecretHolder {
  value: string;
}

/**
 * Moves the secret out of a server action's result into a holder, blanking it
 * in the result (React keeps action results around in its state).
 */
export function takeSecret(issued: { secret: string }): SecretHolder {
  const holder = { value: issued.secret };
  issued.secret = "";
  return holder;
}

export function wipeSecret(holder: SecretHolder): void {
  holder.value = "";
}

/**
 * The show-once modal. The secret exists only in the holder while this is
 * open; closing wipes it, and nothing else (URL, query cache, storage, later
 * page loads) ever held it. Only the close button closes it: not Escape, not
 * a click outside.
 */
export function SecretModal({
  secret,
  tokenName,
  regenerated,
  previousValidUntil,
  snippets,
  onClose,
}: {
  secret: SecretHolder;
  tokenName: string;
  regenerated?: boolean;
  /** After a regeneration with an overlap: until when the old secret keeps working. */
  previousValidUntil?: string | null;
  /** Ready-to-run code for this token, made from the secret while the modal is open (gone with it). */
  snippets?: (secret: string) => Snippet[];
  onClose: () => void;
}) {
  const [copied, setCopied] = useState(false);
  const close = () => {
    wipeSecret(secret);
    onClose();
  };
  return (
    <Dialog
      open
      onOpenChange={(open) => !open && close()}
      dismissible={false}
      title={regenerated ? "Token regenerated" : "Token created"}
      description={
        <>
          Copy the secret for <strong>{tokenName}</strong> now.
        </>
      }
    >
      <div className="space-y-4">
        <div role="alert" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          You will not see this token again. Store it somewhere safe, such as a secrets manager.
          {regenerated &&
            (previousValidUntil
              ? ` The previous secret keeps working until ${previousValidUntil.replace("T", " ").slice(0, 16)} UTC.`
              : " The previous secret has stopped working.")}
        </div>
        <div>
          <label htmlFor="issued-secret" className="block text-sm font-medium text-zinc-800">
            Your new token
          </label>
          <div className="mt-1.5 flex gap-2">
            <input
              id="issued-secret"
              readOnly
              value={secret.value}
              spellCheck={false}
              autoComplete="off"
              onFocus={(e) => e.currentTarget.select()}
              className="min-w-0 flex-1 rounded-md border border-zinc-300 bg-zinc-50 px-3 py-2 font-mono text-sm text-zinc-900"
            />
            <Button
              variant={copied ? "secondary" : "primary"}
              onClick={() => void navigator.clipboard.writeText(secret.value).then(() => setCopied(true))}
            >
              {copied ? "Copied" : "Copy"}
            </Button>
          </div>
        </div>
        {snippets && secret.value && (
          <div>
            <p className="text-sm font-medium text-zinc-800">Try it</p>
            {snippets(secret.value).map((s) => (
              <CodeBlock key={s.label} label={s.label} code={s.code} />
            ))}
          </div>
        )}
        <div className="flex justify-end">
          <Button variant="secondary" onClick={close}>
            I have saved it — close
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
