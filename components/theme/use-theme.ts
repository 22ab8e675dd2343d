"use client";

import { useEffect, useSyncExternalStore } from "react";
import { applyTheme, readThemeChoice, storeThemeChoice, THEME_KEY, type ThemeChoice } from "./theme";

function subscribe(onChange: () => void): () => void {
  window.addEventListener(THEME_KEY, onChange);
  window.addEventListener("storage", onChange);
  return () => {
    window.removeEventListener(THEME_KEY, onChange);
    window.removeEventListener("storage", onChange);
  };
}

/** The theme choice, kept in step across the page (toggle, command palette, other tabs) and with the system setting. */
export function useTheme(): [ThemeChoice, (choice: ThemeChoice) => void] {
  const choice = useSyncExternalStore(subscribe, readThemeChoice, () => "system" as const);
  useEffect(() => {
    // Another tab's choice, or the system flipping while "system" is chosen.
    applyTheme(choice);
    const media = matchMedia("(prefers-color-scheme: dark)");
    const onSystem = () => readThemeChoice() === "system" && applyTheme("system");
    media.addEventListener("change", onSystem);
    return () => media.removeEventListener("change", onSystem);
  }, [choice]);
  return [choice, storeThemeChoice];
}
