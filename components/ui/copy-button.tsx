"use client";

import { useState } from "react";
import { buttonClasses } from "./button";

/** A button that copies text and says so for a moment (the label is what a screen reader hears too). */
export function CopyButton({
  text,
  label = "Copy",
  copiedLabel = "Copied",
  what,
  className,
}: {
  text: string;
  label?: string;
  copiedLabel?: string;
  /** What is copied, for screen readers when the label alone is ambiguous ("Copy" → "Copy ID of Website"). */
  what?: string;
  className?: string;
}) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      aria-label={what ? `${copied ? copiedLabel : label} ${what}` : undefined}
      className={className ?? buttonClasses("secondary", "sm")}
      onClick={() =>
        void navigator.clipboard.writeText(text).then(() => {
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        })
      }
    >
      {copied ? copiedLabel : label}
    </button>
  );
}
