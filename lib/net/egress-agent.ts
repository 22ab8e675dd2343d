/**
 * The HTTP dispatcher for gateway upstream calls: it applies lib/net/egress.ts
 * to the address actually dialled, not to the name saved with the gateway. A
 * name that resolved to a public address when the gateway was saved may
 * resolve to 127.0.0.1 now (DNS rebinding), so the check sits in the lookup
 * the socket uses: a refused answer fails the connection before any packet
 * leaves. IP literals never go through a lookup and are checked before
 * dialling; the socket's peer address is checked again once connected.
 */
import "server-only";
import type { LookupAddress, LookupOptions } from "node:dns";
import { isIP, type LookupFunction, type Socket } from "node:net";
import { Agent, buildConnector } from "undici";
import { dialRefusal, hostRefusal, refusalMessage, resolvedRefusal, systemLookup, type Lookup } from "./egress";

/** A dial the egress rules refused. Callers must report it exactly like an unreachable host: no oracle. */
export class EgressRefusedError extends Error {
  readonly code = "EGRESS_REFUSED";
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * net.connect's `lookup` option: resolves with `lookup` and refuses the whole
 * answer if any address is forbidden (the socket may try each of them).
 */
export function guardedLookup(lookup: Lookup): LookupFunction {
  return (hostname: string, options: LookupOptions, callback: LookupCallback) => {
    const fail = (error: NodeJS.ErrnoException) => callback(error, options.all ? [] : "");
    const rule = hostRefusal(hostname);
    if (rule) return fail(new EgressRefusedError(refusalMessage(rule, hostname)));
    lookup(hostname).then((addresses) => {
      const refusal = resolvedRefusal(hostname, addresses);
      if (refusal) return fail(new EgressRefusedError(refusal));
      const usable = options.family ? addresses.filter((a) => a.family === options.family) : addresses;
      if (usable.length === 0) return fail(Object.assign(new Error(`No usable address for ${hostname}.`), { code: "ENOTFOUND" }));
      if (options.all) callback(null, usable);
      else callback(null, usable[0].address, usable[0].family);
    }, fail);
  };
}

/**
 * Wraps a connector: an IP-literal host (no lookup happens for it) is checked
 * before dialling, and every socket's peer address after connecting, in case
 * anything ever dials without the guarded lookup.
 */
export function guardConnector(connect: buildConnector.connector): buildConnector.connector {
  return (options, callback) => {
    const host = options.hostname; // undici passes IPv6 literals without brackets
    if (isIP(host)) {
      const rule = dialRefusal(host, host);
      if (rule) return callback(new EgressRefusedError(refusalMessage(rule, host)), null);
    }
    connect(options, (error, socket) => {
      if (error || !socket) return callback(error ?? new Error("No socket."), null);
      const peer = (socket as Socket).remoteAddress;
      const rule = peer ? dialRefusal(host, peer) : "unknown peer address";
      if (rule) {
        socket.destroy();
        return callback(new EgressRefusedError(refusalMessage(rule, `${host} connected to ${peer ?? "?"}`)), null);
      }
      callback(null, socket);
    });
  };
}

/** An undici Agent that dials only what the egress rules allow; `lookup` defaults to the system resolver. */
export function egressAgent(lookup: Lookup = systemLookup): Agent {
  return new Agent({ connect: guardConnector(buildConnector({ lookup: guardedLookup(lookup) })) });
}
