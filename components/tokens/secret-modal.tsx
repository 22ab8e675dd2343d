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

/** What the secret is, in the modal's words: a token's (the default) or another secret's, such as a webhook signing secret. */
export interface SecretWording {
  /** "Token created", "Signing secret rotated" */
  title: string;
  /** "Your new token" */
  label: string;
  /** "this token", for "You will not see … again." */
  noun: string;
  /** After a rotation: what became of the previous secret (`until`: the overlap's end, "2026-11-23 19:07"; null: none). */
  previous(until: string | null): string;
  /** Above the snippets: "Try it" for a token. */
  snippetsTitle?: string;
}

const TOKEN_WORDING = (regenerated: boolean): SecretWording => ({
  title: regenerated ? "Token regenerated" : "Token created",
  label: "Your new token",
  noun: "this token",
  previous: (until) => (until ? `The previous secret keeps working until ${until} UTC.` : "The previous secret has stopped working."),
});

/**
 * The show-once modal, for every secret the console hands out once (tokens,
 * webhook signing secrets). The secret exists only in the holder while this is
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
  wording,
  onClose,
}: {
  secret: SecretHolder;
  /** What the secret belongs to (a token's or an endpoint's name). */
  tokenName: string;
  regenerated?: boolean;
  /** After a regeneration with an overlap: until when the old secret keeps working. */
  previousValidUntil?: string | null;
  /** Ready-to-run code for this token, made from the secret while the modal is open (gone with it). */
  snippets?: (secret: string) => Snippet[];
  /** Defaults to a token's words. */
  wording?: SecretWording;
  onClose: () => void;
}) {
  const words = wording ?? TOKEN_WORDING(Boolean(regenerated));
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
      title={words.title}
      description={
        <>
          Copy the secret for <strong>{tokenName}</strong> now.
        </>
      }
    >
      <div className="space-y-4">
        <div role="alert" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          You will not see {words.noun} again. Store it somewhere safe, such as a secrets manager.
          {regenerated && ` ${words.previous(previousValidUntil ? previousValidUntil.replace("T", " ").slice(0, 16) : null)}`}
        </div>
        <div>
          <label htmlFor="issued-secret" className="block text-sm font-medium text-zinc-800">
            {words.label}
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
            <p className="text-sm font-medium text-zinc-800">{words.snippetsTitle ?? "Try it"}</p>
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
