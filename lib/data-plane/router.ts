/**
 * The data plane's routing: a table from paths in Next's folder syntax
 * ("/api/v1/app/projects/[id]", "/api/gpt/v1/[...rest]") to a handler per
 * method. Static paths are one map lookup; dynamic ones are tried longest
 * first. An unknown method on a known path is a 405 naming the allowed ones.
 */
import type { ApiRequest } from "@/lib/api/request";

export type Params = Record<string, string | string[]>;
// A route's handler takes its own params type; any of them fits the table.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RouteHandler = (request: ApiRequest, params: any) => Response | Promise<Response>;
/** `ANY` answers every method not listed. */
export type RouteMethods = Partial<Record<"GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "ANY", RouteHandler>>;
export type RouteTable = Record<string, RouteMethods>;

/** `route`: the path's pattern as the request log names it (`/api/v1/app/tokens/{id}`), never the path itself. */
export type Match = { handler: RouteHandler; params: Params; route: string } | { status: 404 } | { status: 405; allow: string };

interface Dynamic {
  segments: string[];
  methods: RouteMethods;
  route: string;
}

/** "/api/v1/app/projects/[id]" → "/api/v1/app/projects/{id}" (OpenAPI's way of writing it). */
export function routePattern(path: string): string {
  return path.replace(/\[(?:\.\.\.)?([^\]]+)\]/g, "{$1}");
}

const NO_PARAMS: Params = Object.freeze({}) as Params;

function matchDynamic(route: Dynamic, parts: string[]): Params | null {
  const params: Params = {};
  for (let i = 0; i < route.segments.length; i++) {
    const seg = route.segments[i];
    if (seg.startsWith("[...")) {
      if (i !== route.segments.length - 1 || parts.length <= i) return null;
      params[seg.slice(4, -1)] = parts.slice(i);
      return params;
    }
    if (i >= parts.length) return null;
    if (seg.startsWith("[")) params[seg.slice(1, -1)] = parts[i];
    else if (seg !== parts[i]) return null;
  }
  return parts.length === route.segments.length ? params : null;
}

function pick(methods: RouteMethods, method: string, params: Params, route: string): Match {
  const handler = methods[method as keyof RouteMethods] ?? methods.ANY;
  if (handler) return { handler, params, route };
  return { status: 405, allow: Object.keys(methods).join(", ") };
}

/** Compiles a table once; the returned function matches a path (no query) and method. */
export function compileRoutes(table: RouteTable): (pathname: string, method: string) => Match {
  const statics = new Map<string, { methods: RouteMethods; route: string }>();
  const dynamics: Dynamic[] = [];
  for (const [path, methods] of Object.entries(table)) {
    if (path.includes("[")) dynamics.push({ segments: path.split("/").filter(Boolean), methods, route: routePattern(path) });
    else statics.set(path, { methods, route: path });
  }
  // Longer patterns first; a catch-all only after every fixed one of its length.
  dynamics.sort((a, b) => b.segments.length - a.segments.length || Number(a.segments.at(-1)!.startsWith("[...")) - Number(b.segments.at(-1)!.startsWith("[...")));
  return (pathname, method) => {
    const exact = statics.get(pathname.length > 1 && pathname.endsWith("/") ? pathname.slice(0, -1) : pathname);
    if (exact) return pick(exact.methods, method, NO_PARAMS, exact.route);
    let parts: string[];
    try {
      parts = pathname.split("/").filter(Boolean).map(decodeURIComponent);
    } catch {
      return { status: 404 };
    }
    for (const route of dynamics) {
      const params = matchDynamic(route, parts);
      if (params) return pick(route.methods, method, params, route.route);
    }
    return { status: 404 };
  };
}
