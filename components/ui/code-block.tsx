import { CopyButton } from "./copy-button";

/**
 * A snippet to copy: scrollable (and reachable by keyboard, so it can be
 * scrolled without a mouse), labelled, with a copy button.
 */
export function CodeBlock({ label, code }: { label: string; code: string }) {
  return (
    <figure className="mt-3">
      <figcaption className="flex items-center justify-between text-xs font-medium text-zinc-700">
        {label}
        <CopyButton text={code} label={`Copy ${label}`} className="rounded px-2 py-0.5 text-xs font-medium text-brand-700 hover:bg-brand-50" />
      </figcaption>
      <pre
        tabIndex={0}
        aria-label={`${label} snippet`}
        className="keep-palette mt-1 overflow-x-auto rounded-md bg-zinc-900 p-3 font-mono text-xs leading-relaxed text-zinc-100 focus:outline-none focus:ring-2 focus:ring-brand-500"
      >
        {code}
      </pre>
    </figure>
  );
}
