/**
 * Loop protection. Every call a gateway makes upstream carries HOP_HEADER; the
 * gateway API refuses any request that carries it, so a gateway whose upstream
 * is this console (or another Keysmith) fails once instead of calling itself
 * until something runs out.
 */
import "server-only";
import type { HeaderReader } from "@/lib/api/request";
export const HOP_HEADER = "x-keysmith-hop";

export const LOOP_MESSAGE = "This request came from a Keysmith gateway: refusing to loop.";

/** 508 Loop Detected (RFC 5842). */
export const LOOP_STATUS = 508;

export function cameFromGateway(headers: HeaderReader): boolean {
  return headers.has(HOP_HEADER);
}
