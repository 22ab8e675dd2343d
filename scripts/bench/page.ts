/** Signs in to the console like a browser (next-auth credentials) and times sequential page loads. */
import { performance } from "node:perf_hooks";

function cookiesFrom(response: Response, into: Map<string, string>) {
  for (const header of response.headers.getSetCookie()) {
    const [pair] = header.split(";");
    const eq = pair.indexOf("=");
    if (eq > 0) into.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
}

function cookieHeader(jar: Map<string, string>): string {
  return [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
}

/** Returns the Cookie header of a signed-in session. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  const jar = new Map<string, string>();
  const csrfResponse = await fetch(`${baseUrl}/api/auth/csrf`);
  if (!csrfResponse.ok) throw new Error(`GET /api/auth/csrf: ${csrfResponse.status}`);
  cookiesFrom(csrfResponse, jar);
  const { csrfToken } = (await csrfResponse.json()) as { csrfToken: string };
  const response = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(jar) },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${baseUrl}/`, json: "true" }).toString(),
  });
  cookiesFrom(response, jar);
  await response.text();
  if (![...jar.keys()].some((k) => k.endsWith("next-auth.session-token"))) {
    throw new Error(`sign-in as ${email} failed: ${response.status}, no session cookie`);
  }
  return cookieHeader(jar);
}

export interface PageTiming {
  loads: number;
  p50: number;
  p90: number;
  min: number;
  max: number;
  mean: number;
  bytes: number;
}

/** `warmup` unmeasured loads, then `loads` sequential ones; each must answer 200 with `mustContain` in the HTML. */
export async function timePage(baseUrl: string, pathname: string, cookie: string, loads: number, mustContain: string, warmup = 3): Promise<PageTiming> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < warmup + loads; i++) {
    const started = performance.now();
    const response = await fetch(`${baseUrl}${pathname}`, { headers: { cookie }, redirect: "manual" });
    const html = await response.text();
    const ms = performance.now() - started;
    if (response.status !== 200) throw new Error(`GET ${pathname}: ${response.status} ${response.headers.get("location") ?? ""}`);
    if (!html.includes(mustContain)) throw new Error(`GET ${pathname}: the page does not show ${JSON.stringify(mustContain)}`);
    if (i >= warmup) {
      times.push(ms);
      bytes = html.length;
    }
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.max(0, Math.ceil((p / 100) * times.length) - 1))];
  return {
    loads,
    p50: at(50),
    p90: at(90),
    min: times[0],
    max: times[times.length - 1],
    mean: times.reduce((a, b) => a + b, 0) / times.length,
    bytes,
  };
}
