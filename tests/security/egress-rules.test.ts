import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { gatewayInputSchema } from "@/lib/gateways/service";
import {
  addressRefusal,
  dialRefusal,
  upstreamResolutionProblem,
  upstreamUrlProblem,
  type Lookup,
} from "@/lib/net/egress";

/**
 * The gateway upstream's address rules (lib/net/egress.ts), spelling by
 * spelling: every way of writing an internal address is refused with the
 * rule named, public addresses and names pass.
 */

const LOOPBACK = /loopback address/;
const UNSPECIFIED = /unspecified address/;
const LOCALHOST = /localhost name/;
const LINK_LOCAL = /link-local address/;
const PRIVATE = /private network address \(RFC 1918\)/;

/** [URL, the rule its refusal names — or null: allowed]. */
const SPELLINGS: Array<[string, RegExp | null]> = [
  // This machine, every way the URL parser understands it.
  ["http://127.0.0.1/", LOOPBACK],
  ["http://127.1/", LOOPBACK],
  ["http://127.0.1/", LOOPBACK],
  ["http://2130706433/", LOOPBACK],
  ["http://0x7f.1/", LOOPBACK],
  ["http://0x7f000001/", LOOPBACK],
  ["http://017700000001/", LOOPBACK],
  ["http://0177.0.0.1/", LOOPBACK],
  ["http://127.000.000.001/", LOOPBACK],
  ["http://127.255.255.254:8080/x", LOOPBACK],
  ["http://127.0.0.1./", LOOPBACK],
  ["http://0x7f.0.0.1./", LOOPBACK],
  ["http://%31%32%37.0.0.1/", LOOPBACK],
  ["http://127.0.0.1%2e/", LOOPBACK],
  ["http://127。0。0。1/", LOOPBACK],
  ["http://[::1]/", LOOPBACK],
  ["http://[0:0:0:0:0:0:0:1]/", LOOPBACK],
  ["http://[::ffff:127.0.0.1]/", LOOPBACK],
  ["http://[::ffff:7f00:1]/", LOOPBACK],
  ["http://[0:0:0:0:0:ffff:127.0.0.1]:9000/", LOOPBACK],
  ["http://0.0.0.0/", UNSPECIFIED],
  ["http://0/", UNSPECIFIED],
  ["http://[::]/", UNSPECIFIED],
  ["http://localhost/", LOCALHOST],
  ["http://localhost:11434/", LOCALHOST],
  ["http://LOCALHOST./", LOCALHOST],
  ["http://foo.localhost/", LOCALHOST],
  ["http://Foo.LocalHost.:8080/", LOCALHOST],
  // The cloud metadata endpoint and the private networks.
  ["http://169.254.169.254/latest/meta-data", LINK_LOCAL],
  ["http://[::ffff:169.254.169.254]/", LINK_LOCAL],
  ["http://[::ffff:a9fe:a9fe]/", LINK_LOCAL],
  ["http://[fe80::1]/", LINK_LOCAL],
  ["http://10.0.0.1/", PRIVATE],
  ["http://172.16.5.4/", PRIVATE],
  ["http://192.168.1.1/", PRIVATE],
  ["http://[::ffff:10.1.2.3]/", PRIVATE],
  ["http://100.64.0.1/", /carrier-grade NAT address/],
  ["http://[fd00::1]/", /private network address \(unique-local/],
  ["http://[fc00::1]/", /private network address \(unique-local/],
  ["http://[fec0::1]/", /site-local address/],
  ["http://224.0.0.1/", /multicast address/],
  ["http://[ff02::1]/", /multicast address/],
  ["http://255.255.255.255/", /broadcast address/],
  ["http://240.0.0.1/", /reserved address/],
  ["http://192.0.2.1/", /reserved address/],
  // IPv6 forms that embed an IPv4 address.
  ["http://[64:ff9b::7f00:1]/", /NAT64 address/],
  ["http://[2002:7f00:1::1]/", /6to4 address/],
  ["http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", /Teredo address/],
  ["http://[::127.0.0.1]/", /IPv4-compatible IPv6 address/],
  // The URL's shape.
  ["https://user:pass@api.example.com/", /credentials/],
  ["https://user@api.example.com/", /credentials/],
  ["https://api.example.com/v1?x=", /query/],
  ["https://api.example.com/?", /query/],
  ["http://127.0.0.1:1/anything?x=", /query/],
  ["https://api.example.com/#frag", /fragment/],
  ["https://api.example.com/#", /fragment/],
  ["ftp://api.example.com/", /http:\/\/ or https:\/\//],
  ["file:///etc/passwd", /http:\/\/ or https:\/\//],
  ["gopher://127.0.0.1:6379/_INFO", /http:\/\/ or https:\/\//],
  ["api.example.com", /base URL/],
  // Public addresses and names pass (a name's addresses are checked when saving and when dialling).
  ["http://1.1.1.1/", null],
  ["http://8.8.8.8:8080/v1", null],
  ["https://[2606:4700::1111]/", null],
  ["https://[2606:4700:4700::1111]:8443/", null],
  ["https://api.anthropic.com", null],
  ["https://API.Anthropic.COM./proxy/anthropic", null],
  ["http://127.0.0.1.nip.io/", null],
];

const savedAllowHosts = process.env.KEYSMITH_UPSTREAM_ALLOW_HOSTS;
beforeEach(() => {
  delete process.env.KEYSMITH_UPSTREAM_ALLOW_HOSTS;
});
afterEach(() => {
  if (savedAllowHosts === undefined) delete process.env.KEYSMITH_UPSTREAM_ALLOW_HOSTS;
  else process.env.KEYSMITH_UPSTREAM_ALLOW_HOSTS = savedAllowHosts;
});

describe("upstream base URL rules", () => {
  it("covers at least 30 spellings", () => {
    expect(SPELLINGS.length).toBeGreaterThanOrEqual(30);
  });

  it.each(SPELLINGS)("%s → %s", (url, rule) => {
    const problem = upstreamUrlProblem(url);
    if (rule === null) expect(problem).toBeNull();
    else expect(problem).toMatch(rule);
  });

  it("relies on the WHATWG URL parser to turn decimal, octal, hex and short IPv4 hosts into dotted quads", () => {
    for (const spelling of ["2130706433", "0x7f.1", "0x7f000001", "017700000001", "0177.0.0.1", "127.1", "127.000.000.001", "127.0.0.1.", "%31%32%37.0.0.1", "127。0。0。1"]) {
      expect(new URL(`http://${spelling}/`).hostname).toBe("127.0.0.1");
    }
    expect(new URL("http://0/").hostname).toBe("0.0.0.0");
    expect(new URL("http://LOCALHOST./").hostname).toBe("localhost.");
    // Mapped IPv6 is serialized in hex, which is why the rules unmap it by parsing rather than by its text.
    expect(new URL("http://[::ffff:127.0.0.1]/").hostname).toBe("[::ffff:7f00:1]");
  });

  it("the gateway form's schema reports each refusal on upstreamBaseUrl, naming the rule", () => {
    const base = { name: "Upstream", slug: "upstream", upstreamType: "ANTHROPIC" as const, models: ["claude-test-1"] };
    for (const [url, rule] of SPELLINGS) {
      const parsed = gatewayInputSchema.safeParse({ ...base, upstreamBaseUrl: url });
      if (rule === null) {
        expect(parsed.success, url).toBe(true);
        continue;
      }
      expect(parsed.success, url).toBe(false);
      const issues = parsed.error!.issues.filter((i) => i.path.join(".") === "upstreamBaseUrl");
      expect(issues, url).toHaveLength(1);
      expect(issues[0].message, url).toMatch(rule);
    }
    // The echo upstream has no URL to check.
    expect(gatewayInputSchema.safeParse({ ...base, upstreamType: "ECHO", upstreamBaseUrl: "http://127.0.0.1/" }).success).toBe(true);
  });
});

describe("dialled addresses", () => {
  it.each([
    ["127.0.0.1", LOOPBACK],
    ["::1", LOOPBACK],
    ["::ffff:127.0.0.1", LOOPBACK],
    ["::ffff:7f00:1", LOOPBACK],
    ["169.254.169.254", LINK_LOCAL],
    ["10.255.0.1", PRIVATE],
    ["0.0.0.0", UNSPECIFIED],
    ["::", UNSPECIFIED],
    ["fd12:3456::1", /unique-local/],
    ["not-an-address", /not an IP address/],
  ])("%s is refused (%s)", (address, rule) => {
    expect(addressRefusal(address)).toMatch(rule);
  });

  it.each(["1.1.1.1", "93.184.216.34", "2606:4700::1111", "::ffff:1.1.1.1"])("%s may be dialled", (address) => {
    expect(addressRefusal(address)).toBeNull();
  });
});

describe("KEYSMITH_UPSTREAM_ALLOW_HOSTS", () => {
  it("a CIDR allows the addresses inside it, and only those (read on every call)", () => {
    expect(upstreamUrlProblem("http://127.0.0.1:8080/")).toMatch(LOOPBACK);
    process.env.KEYSMITH_UPSTREAM_ALLOW_HOSTS = "127.0.0.1/32";
    expect(upstreamUrlProblem("http://127.0.0.1:8080/")).toBeNull();
    expect(upstreamUrlProblem("http://2130706433:8080/")).toBeNull();
    expect(upstreamUrlProblem("http://[::ffff:127.0.0.1]:8080/")).toBeNull();
    expect(upstreamUrlProblem("http://127.0.0.2/")).toMatch(LOOPBACK);
    expect(upstreamUrlProblem("http://[::1]/")).toMatch(LOOPBACK);
    // A localhost name is a name rule: only naming it lifts it.
    expect(upstreamUrlProblem("http://localhost:8080/")).toMatch(LOCALHOST);
    expect(dialRefusal("some.name", "127.0.0.1")).toBeNull();
    expect(dialRefusal("some.name", "10.0.0.1")).toMatch(PRIVATE);
  });

  it("a host name skips the address rules for that name only", () => {
    process.env.KEYSMITH_UPSTREAM_ALLOW_HOSTS = " localhost , models.internal ";
    expect(upstreamUrlProblem("http://localhost:11434/")).toBeNull();
    expect(upstreamUrlProblem("http://LOCALHOST.:11434/")).toBeNull();
    expect(upstreamUrlProblem("http://foo.localhost/")).toMatch(LOCALHOST);
    expect(upstreamUrlProblem("http://127.0.0.1/")).toMatch(LOOPBACK);
    expect(dialRefusal("localhost", "127.0.0.1")).toBeNull();
    expect(dialRefusal("models.internal", "10.0.0.7")).toBeNull();
    expect(dialRefusal("other.internal", "10.0.0.7")).toMatch(PRIVATE);
  });

  it("mixes names and CIDRs; malformed entries allow nothing", () => {
    process.env.KEYSMITH_UPSTREAM_ALLOW_HOSTS = "localhost,127.0.0.1/32,10.0.0.0/8,192.168.0.0/99,fd00::/8";
    expect(dialRefusal("x", "10.9.8.7")).toBeNull();
    expect(dialRefusal("x", "fd00::5")).toBeNull();
    expect(dialRefusal("x", "192.168.0.1")).toMatch(PRIVATE);
    expect(dialRefusal("x", "169.254.169.254")).toMatch(LINK_LOCAL);
    process.env.KEYSMITH_UPSTREAM_ALLOW_HOSTS = "";
    expect(dialRefusal("localhost", "127.0.0.1")).toMatch(LOOPBACK);
  });
});

describe("the save-time lookup", () => {
  const answering =
    (...addresses: string[]): Lookup =>
    async () =>
      addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));

  it("accepts a name that resolves to public addresses only", async () => {
    expect(await upstreamResolutionProblem("https://api.example.com", answering("93.184.216.34", "2606:2800:220:1::1"))).toBeNull();
  });

  it("refuses a name any of whose addresses is forbidden, naming the rule and the address", async () => {
    const problem = await upstreamResolutionProblem("https://internal.example.com:8443/x", answering("93.184.216.34", "127.0.0.1"));
    expect(problem).toMatch(/loopback address/);
    expect(problem).toContain("internal.example.com resolves to 127.0.0.1");
    expect(await upstreamResolutionProblem("http://metadata.example", answering("169.254.169.254"))).toMatch(LINK_LOCAL);
  });

  it("accepts a name that cannot be resolved (offline) or does not answer in time: dialling checks again", async () => {
    const failing: Lookup = async () => {
      throw Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" });
    };
    const silent: Lookup = () => new Promise(() => {});
    expect(await upstreamResolutionProblem("https://api.example.com", failing)).toBeNull();
    const started = Date.now();
    expect(await upstreamResolutionProblem("https://api.example.com", silent, 50)).toBeNull();
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("does not look up IP literals or opted-in names", async () => {
    const calls: string[] = [];
    const recording: Lookup = async (host) => {
      calls.push(host);
      return [{ address: "127.0.0.1", family: 4 }];
    };
    expect(await upstreamResolutionProblem("http://1.1.1.1/", recording)).toBeNull();
    process.env.KEYSMITH_UPSTREAM_ALLOW_HOSTS = "model-box";
    expect(await upstreamResolutionProblem("http://model-box:8000/", recording)).toBeNull();
    expect(calls).toEqual([]);
  });
});
