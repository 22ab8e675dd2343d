import http from "node:http";
import type { AddressInfo } from "node:net";

import { createDataPlane } from "@/lib/data-plane/http";
import type { RouteTable } from "@/lib/data-plane/router";
import { resolveClientIp } from "@/lib/request-info";

export type { RouteHandler, RouteTable } from "@/lib/data-plane/router";

/**
 * The data plane (lib/data-plane/) on a real socket with a route table of the
 * test's choosing, so real clients (Anthropic's SDK) can talk to the handlers
 * while they run in the test's own process. The client address comes from the
 * socket, as scripts/serve-main.ts stamps it.
 */
export interface RouteServer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1 with a free port. */
export async function startRouteServer(routes: RouteTable): Promise<RouteServer> {
  let origin = "http://127.0.0.1";
  const plane = createDataPlane(routes, { prefixes: ["/"], origin: () => origin });
  const server = http.createServer((req, res) => plane.handle(req, res, resolveClientIp(req.socket.remoteAddress, undefined, 0)));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
