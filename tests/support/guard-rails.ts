/**
 * Helpers for the guard-rail tests (docs/contract.md §7): token rules built the way the
 * console's form builds them, Workspace API requests with a client address,
 * and small waits for fire-and-forget writes and minute-based windows.
 */
import { setTimeout as delay } from "node:timers/promises";

import { expect } from "vitest";

import { CLIENT_IP_HEADER } from "@/lib/request-info";
import { rulesInput, type TokenRules } from "@/lib/schemas/tokens";

/** Rules as the console's form submits them (strings), parsed by the real schema. */
export function rules(input: { ipAllowlist?: string; rateLimitPerMinute?: number; allowedModels?: string[]; monthlyTokenBudget?: number } = {}): TokenRules {
  return rulesInput.parse({
    ipAllowlist: input.ipAllowlist ?? "",
    rateLimitPerMinute: input.rateLimitPerMinute === undefined ? "" : String(input.rateLimitPerMinute),
    allowedModels: input.allowedModels ?? [],
    monthlyTokenBudget: input.monthlyTokenBudget === undefined ? "" : String(input.monthlyTokenBudget),
  });
}

export interface WorkspaceRequest {
  token?: string;
  org?: string;
  /** Sent as x-keysmith-client-ip, as the app's own server stamps it. */
  ip?: string;
  method?: string;
  body?: unknown;
  rawBody?: string;
}

/** A request to the Workspace API (`/api/v1<path>`) for calling a route module's handler directly. */
export function workspaceRequest(path: string, opts: WorkspaceRequest = {}): Request {
  const headers = new Headers({ "user-agent": "vitest" });
  if (opts.token) headers.set("authorization", `Bearer ${opts.token}`);
  if (opts.org) headers.set("x-org", opts.org);
  if (opts.ip) headers.set(CLIENT_IP_HEADER, opts.ip);
  const body = opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  if (body !== undefined) headers.set("content-type", "application/json");
  return new Request(`http://test/api/v1${path}`, { method: opts.method ?? (body === undefined ? "GET" : "POST"), headers, body });
}

export const noParams = {};
export const idParams = (id: string) => ({ id });

/** Status, headers and parsed JSON body of a response (consumes it). */
export async function read(response: Response): Promise<{ status: number; headers: Headers; json: unknown; text: string }> {
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // left null: the caller asserts on it
  }
  return { status: response.status, headers: response.headers, json, text };
}

/** Asserts the one error shape of every API and returns the message. */
export function expectApiError(r: { status: number; json: unknown; text: string }, status: number, type: string, message?: string | RegExp): string {
  expect(r.status, r.text).toBe(status);
  expect(r.json, r.text).toEqual({ type: "error", error: { type, message: expect.any(String) } });
  const text = (r.json as { error: { message: string } }).error.message;
  if (message !== undefined) expect(text).toMatch(message);
  return text;
}

export function rateHeadersOf(headers: Headers) {
  return {
    limit: headers.get("x-ratelimit-limit"),
    remaining: headers.get("x-ratelimit-remaining"),
    reset: headers.get("x-ratelimit-reset"),
  };
}

/** Polls `probe` until it returns something truthy (or the time is up; then returns the last value). */
export async function eventually<T>(probe: () => Promise<T>, timeoutMs = 3_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value || Date.now() > deadline) return value;
    await delay(20);
  }
}

/**
 * Rate limits count per UTC minute: a test that must stay within one window
 * waits for the next minute when fewer than `needMs` remain of this one.
 */
export async function roomInThisMinute(needMs = 10_000): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < needMs) await delay(left + 50);
}
