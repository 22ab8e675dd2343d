import { describe, expect, it } from "vitest";

import { describeAudit, describeUserAgent, formatUtc } from "@/lib/audit/describe";

const names = { projects: new Map([["p1", "Website"]]), gateways: new Map([["g1", "Claude prod"]]) };

describe("audit entries as people read them", () => {
  it("reads a console-created token: kinds, roles, permissions, names for ids, rules spread out, never [object Object]", () => {
    const details = describeAudit(
      {
        kind: "WORKSPACE",
        masked: "ksw_AbC1…9xYz",
        permissions: ["projects:read", "tokens:create"],
        role: null,
        projectId: "p1",
        gatewayId: null,
        expiresAt: null,
        rules: { ipAllowlist: ["10.0.0.0/8"], rateLimitPerMinute: 600, allowedModels: [], monthlyTokenBudget: null },
      },
      names,
    );
    expect(details).toEqual([
      { label: "Kind", value: "Workspace token", mono: false },
      { label: "Token", value: "ksw_AbC1…9xYz", mono: true },
      { label: "Permissions", value: "View projects, Create API tokens", mono: false },
      { label: "Project", value: "Website", mono: false },
      { label: "Expires", value: "Never", mono: false },
      { label: "IP allowlist", value: "10.0.0.0/8", mono: true },
      { label: "Rate limit", value: "600 requests a minute", mono: false },
    ]);
    expect(JSON.stringify(details)).not.toContain("[object Object]");
  });

  it("names deleted things as such, formats dates and roles, and humanizes fields it does not know", () => {
    const details = describeAudit(
      { projectId: "gone", gatewayId: "g1", from: "DEVELOPER", role: "ADMIN", previousValidUntil: "2026-12-01T10:00:00.000Z", somethingNew: { a: 1, b: [2, 3] }, flag: true },
      names,
    );
    const byLabel = Object.fromEntries(details.map((d) => [d.label, d.value]));
    expect(byLabel).toMatchObject({
      Project: "a deleted project",
      Gateway: "Claude prod",
      Role: "Admin",
      "Previous secret valid until": "1 Dec 2026, 10:00:00 UTC",
      "Something new": "A: 1; B: 2, 3",
      Flag: "Yes",
    });
  });

  it("reads a change as from → to, and a from/to entry in that order whatever the database's key order", () => {
    const renamed = describeAudit({ kind: "WORKSPACE", name: { to: "deploy-ci", from: "deploy" }, description: { to: "Runs in CI.", from: null } }, names);
    expect(renamed).toEqual([
      { label: "Kind", value: "Workspace token", mono: false },
      { label: "Name", value: "deploy → deploy-ci", mono: false },
      { label: "Description", value: "— → Runs in CI.", mono: false },
    ]);
    const policy = describeAudit({ to: { expiryRequired: true, maxLifetimeDays: 30 }, from: { expiryRequired: false, maxLifetimeDays: null } }, names);
    expect(policy).toEqual([
      { label: "From", value: "Expiry required: No", mono: false },
      { label: "To", value: "Expiry required: Yes; Maximum lifetime (days): 30", mono: false },
    ]);
  });

  it("says nothing for missing metadata", () => {
    expect(describeAudit(null, names)).toEqual([]);
    expect(describeAudit([1, 2], names)).toEqual([]);
  });

  it("formats times in UTC", () => {
    expect(formatUtc(new Date("2026-11-29T02:56:39Z"))).toBe("29 Nov 2026, 02:56:39 UTC");
  });

  it("shortens user agents to the client and system", () => {
    expect(describeUserAgent("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")).toBe("Chrome 131 on Windows");
    expect(describeUserAgent("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15")).toBe("Safari 17 on macOS");
    expect(describeUserAgent("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0")).toBe("Firefox 133 on Linux");
    expect(describeUserAgent("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36 Edg/131.0")).toBe("Edge 131 on Windows");
    expect(describeUserAgent("curl/8.5.0")).toBe("curl 8.5.0");
    expect(describeUserAgent("python-requests/2.31.0")).toBe("python-requests 2.31.0");
    expect(describeUserAgent("node")).toBe("Node.js");
    expect(describeUserAgent("MyTool/1.2 (+https://example.com)")).toBe("MyTool 1.2");
    expect(describeUserAgent(null)).toBe("");
  });
});
