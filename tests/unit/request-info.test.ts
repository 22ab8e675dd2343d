import { describe, expect, it } from "vitest";

import { CLIENT_IP_HEADER, clientIpFromHeaders, resolveClientIp } from "@/lib/request-info";

describe("resolveClientIp", () => {
  it("with 0 trusted hops uses the socket address and ignores X-Forwarded-For", () => {
    expect(resolveClientIp("198.51.100.7", "1.2.3.4", 0)).toBe("198.51.100.7");
    expect(resolveClientIp("198.51.100.7", undefined, 0)).toBe("198.51.100.7");
  });

  it("with 1 hop takes the address the proxy appended, not one the client sent", () => {
    // The client spoofs "1.2.3.4"; the proxy appends the address it saw.
    expect(resolveClientIp("10.0.0.2", "1.2.3.4, 203.0.113.5", 1)).toBe("203.0.113.5");
    expect(resolveClientIp("10.0.0.2", "203.0.113.5", 1)).toBe("203.0.113.5");
  });

  it("with 2 hops takes the second address from the right", () => {
    expect(resolveClientIp("10.0.0.3", "1.2.3.4, 203.0.113.5, 10.0.0.2", 2)).toBe("203.0.113.5");
  });

  it("falls back to the socket address when the chain is missing or too short", () => {
    expect(resolveClientIp("10.0.0.2", undefined, 1)).toBe("10.0.0.2");
    expect(resolveClientIp("10.0.0.2", "", 1)).toBe("10.0.0.2");
    expect(resolveClientIp("10.0.0.3", "203.0.113.5", 2)).toBe("10.0.0.3");
  });

  it("normalizes IPv4-mapped IPv6 addresses and keeps real IPv6 ones", () => {
    expect(resolveClientIp("::ffff:192.0.2.10", undefined, 0)).toBe("192.0.2.10");
    expect(resolveClientIp("10.0.0.2", "::ffff:192.0.2.11", 1)).toBe("192.0.2.11");
    expect(resolveClientIp("2001:db8::1", undefined, 0)).toBe("2001:db8::1");
  });

  it("never returns something that is not an IP address", () => {
    expect(resolveClientIp(undefined, undefined, 0)).toBeNull();
    expect(resolveClientIp("not-an-ip", undefined, 0)).toBeNull();
    expect(resolveClientIp("10.0.0.2", "<script>, 999.1.1.1", 1)).toBe("10.0.0.2");
    expect(resolveClientIp(undefined, "garbage", 1)).toBeNull();
    expect(resolveClientIp("10.0.0.2", " , ,", 1)).toBe("10.0.0.2");
  });
});

describe("clientIpFromHeaders", () => {
  it("reads the server-stamped header from Headers or a plain object", () => {
    expect(clientIpFromHeaders(new Headers({ [CLIENT_IP_HEADER]: "203.0.113.5" }))).toBe("203.0.113.5");
    expect(clientIpFromHeaders({ [CLIENT_IP_HEADER]: ["2001:db8::2", "1.1.1.1"] })).toBe("2001:db8::2");
  });

  it("ignores X-Forwarded-For and rejects garbage", () => {
    expect(clientIpFromHeaders({ "x-forwarded-for": "1.2.3.4" })).toBeNull();
    expect(clientIpFromHeaders({ [CLIENT_IP_HEADER]: "1.2.3.4; drop table" })).toBeNull();
    expect(clientIpFromHeaders({})).toBeNull();
  });
});
