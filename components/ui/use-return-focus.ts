"use client";

import { useLayoutEffect, useRef } from "react";

/**
 * Where focus goes when a dialog closes: back to the control that opened it.
 * Radix does this only for its own Trigger; our dialogs open from menus and
 * buttons, so remember what had focus when `open` became true, and hand it to
 * Radix's onCloseAutoFocus (for an item of a menu, the menu's trigger). If that
 * element is gone, Radix's default applies.
 */
export function useReturnFocus(open: boolean): (event: Event) => void {
  const opener = useRef<HTMLElement | null>(null);
  // A layout effect: it runs before Radix moves focus into the dialog (a passive effect).
  useLayoutEffect(() => {
    if (open && document.activeElement instanceof HTMLElement && document.activeElement !== document.body) {
      opener.current = menuTrigger(document.activeElement) ?? document.activeElement;
    }
  }, [open]);
  return (event: Event) => {
    const el = opener.current;
    opener.current = null;
    if (el?.isConnected) {
      event.preventDefault();
      el.focus();
    }
  };
}

/** An item of a menu that is closing is about to disappear: its menu's trigger is what the user opened the dialog from. */
function menuTrigger(el: HTMLElement): HTMLElement | null {
  const menu = el.closest<HTMLElement>('[role="menu"]');
  if (!menu?.id) return null;
  return document.querySelector<HTMLElement>(`[aria-controls="${CSS.escape(menu.id)}"]`);
}
