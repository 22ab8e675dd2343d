/**
 * Only same-site paths are followed after sign-in: never another origin (open
 * redirect). Browsers drop tabs and newlines from URLs ("/\t/evil.com" becomes
 * "//evil.com"), so control characters and backslashes are refused outright,
 * and the result must resolve to our own origin.
 */
export function safeCallbackPath(value: string | string[] | undefined | null, fallback = "/"): string {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v || !v.startsWith("/") || /[\u0000-\u001f\u007f\\]/.test(v)) return fallback;
  const base = "http://keysmith.invalid";
  let url: URL;
  try {
    url = new URL(v, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base) return fallback;
  return url.pathname + url.search + url.hash;
}
