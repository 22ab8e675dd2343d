"use client";

import { usePathname, useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";

/**
 * A thin bar at the top while a page is on its way: the App Router has no
 * navigation events, so a click on an internal link starts it, and it is shown
 * for as long as the address is still the one the click left from.
 */
export function NavigationProgress() {
  const pathname = usePathname();
  const search = useSearchParams().toString();
  const here = search ? `${pathname}?${search}` : pathname;
  const [leaving, setLeaving] = useState<string | null>(null);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onClick = (e: MouseEvent) => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const a = (e.target as Element | null)?.closest?.("a");
      if (!a || a.target === "_blank" || a.hasAttribute("download")) return;
      const url = new URL(a.href, location.href);
      if (url.origin !== location.origin || url.pathname.startsWith("/api/")) return;
      const from = location.pathname + location.search;
      if (url.pathname + url.search === from) return;
      setLeaving(from);
      clearTimeout(timer);
      // A navigation that never lands (an error page, a cancelled one) does not leave the bar running.
      timer = setTimeout(() => setLeaving(null), 15_000);
    };
    document.addEventListener("click", onClick);
    return () => {
      document.removeEventListener("click", onClick);
      clearTimeout(timer);
    };
  }, []);

  if (leaving === null || leaving !== here) return null;
  return (
    <div aria-hidden className="pointer-events-none fixed inset-x-0 top-0 z-[60] h-0.5 overflow-hidden">
      <div className="h-full animate-[nav-progress_8s_cubic-bezier(0.1,0.7,0.3,1)_forwards] bg-brand-500" />
    </div>
  );
}
