"use client";

import * as Menu from "@radix-ui/react-dropdown-menu";
import type { ConsoleToken } from "@/lib/tokens/console";

export type RowIntent = "details" | "regenerate" | "activate" | "deactivate" | "revoke" | "copy-prefix";

const ITEM_BASE = "flex cursor-pointer select-none items-center rounded-md px-2 py-1.5 text-sm outline-none";
const ITEM = `${ITEM_BASE} text-zinc-800 data-[highlighted]:bg-zinc-100`;
const DANGER_ITEM = `${ITEM_BASE} text-red-700 data-[highlighted]:bg-red-50`;

/** The row's actions menu; only the actions the member may take now are offered. */
export function TokenRowActions({ token, onIntent }: { token: ConsoleToken; onIntent: (intent: RowIntent) => void }) {
  const a = token.actions;
  return (
    // Not modal: a modal menu hides the page from screen readers while its links stay focusable (axe: aria-hidden-focus).
    <Menu.Root modal={false}>
      <Menu.Trigger
        aria-label={`Actions for ${token.name}`}
        className="rounded-md px-2 py-1 text-sm font-medium text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 data-[state=open]:bg-zinc-100"
      >
        Actions ▾
      </Menu.Trigger>
      <Menu.Portal>
        <Menu.Content align="end" sideOffset={4} className="z-50 min-w-[11rem] rounded-lg border border-zinc-200 bg-white p-1 shadow-lg">
          <Menu.Item className={ITEM} onSelect={() => onIntent("details")}>
            View details
          </Menu.Item>
          <Menu.Item className={ITEM} onSelect={() => onIntent("copy-prefix")}>
            Copy prefix
          </Menu.Item>
          {(a.regenerate || a.activate || a.deactivate || a.revoke) && <Menu.Separator className="my-1 h-px bg-zinc-200" />}
          {a.regenerate && (
            <Menu.Item className={ITEM} onSelect={() => onIntent("regenerate")}>
              Regenerate
            </Menu.Item>
          )}
          {a.deactivate && (
            <Menu.Item className={ITEM} onSelect={() => onIntent("deactivate")}>
              Deactivate
            </Menu.Item>
          )}
          {a.activate && (
            <Menu.Item className={ITEM} onSelect={() => onIntent("activate")}>
              Activate
            </Menu.Item>
          )}
          {a.revoke && (
            <Menu.Item className={DANGER_ITEM} onSelect={() => onIntent("revoke")}>
              Revoke…
            </Menu.Item>
          )}
        </Menu.Content>
      </Menu.Portal>
    </Menu.Root>
  );
}
