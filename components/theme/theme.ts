/** Light, dark, or whatever the system says (the default). Kept in this browser only. */
export type ThemeChoice = "light" | "dark" | "system";
export const THEME_KEY = "keysmith-theme";

/**
 * Runs before the first paint (an inline script in the root layout), so a dark
 * page never flashes light: sets the `dark` class on <html> from the stored
 * choice or the system setting. Kept tiny and dependency-free on purpose.
 */
export const THEME_SCRIPT = `(function(){try{var c=localStorage.getItem("${THEME_KEY}");var d=c==="dark"||(c!=="light"&&matchMedia("(prefers-color-scheme: dark)").matches);document.documentElement.classList.toggle("dark",d)}catch(e){}})()`;

export function readThemeChoice(): ThemeChoice {
  try {
    const c = localStorage.getItem(THEME_KEY);
    return c === "light" || c === "dark" ? c : "system";
  } catch {
    return "system";
  }
}

export function applyTheme(choice: ThemeChoice): void {
  const dark = choice === "dark" || (choice === "system" && matchMedia("(prefers-color-scheme: dark)").matches);
  document.documentElement.classList.toggle("dark", dark);
}

export function storeThemeChoice(choice: ThemeChoice): void {
  try {
    if (choice === "system") localStorage.removeItem(THEME_KEY);
    else localStorage.setItem(THEME_KEY, choice);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
  applyTheme(choice);
  window.dispatchEvent(new CustomEvent(THEME_KEY, { detail: choice }));
}
