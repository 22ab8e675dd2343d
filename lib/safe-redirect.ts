/**
 * Only same-site paths are followed after sign-in: never another origin (open
 * redirect). Browsers drop tabs and newlines from URLs ("/\t/evil.com" becomes
 * "//evil.com") and read "\" as "/", so control characters and backslashes are
 * refused outright; the value is then normalized as a browser would ("/..//x"
 * becomes "//x", "/%2e%2e//x" too), and the normalized path must still be a
 * plain path on our own origin, not a protocol-relative "//host" one.
 */
const BASE = "http://keysmith.invalid";
const MAX_LENGTH = 2_000;

export function safeCallbackPath(value: string | string[] | undefined | null, fallback = "/"): string {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v || v.length > MAX_LENGTH || !v.startsWith("/") || /[\u0000-\u001f\u007f-\u009f\\]/.test(v)) return fallback;
  let url: URL;
  try {
    url = new URL(v, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE || url.username || url.password) return fallback;
  const path = url.pathname + url.search + url.hash;
  return path.startsWith("/") && !path.startsWith("//") ? path : fallback;
}
