import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";

import { leakReportInput } from "@/lib/schemas/leaks";
import { storedEvents, webhookEndpointInput, webhookUrlShapeProblem } from "@/lib/schemas/webhooks";
import { generateWebhookSecret, newMessageId, webhookHeaders, webhookSignature } from "@/lib/webhooks/signing";

describe("webhook signatures (Standard Webhooks)", () => {
  const body = JSON.stringify({ type: "token.created", timestamp: "2026-11-29T00:00:00.000Z", data: { n: 1 } });

  it("are what the reference library computes, and verify with it", () => {
    const secret = generateWebhookSecret();
    const id = newMessageId();
    const at = new Date();
    const seconds = Math.floor(at.getTime() / 1000);
    expect(webhookSignature([secret], id, seconds, body)).toBe(new Webhook(secret).sign(id, at, body));
    expect(new Webhook(secret).verify(body, webhookHeaders([secret], id, body, at))).toEqual(JSON.parse(body));
  });

  it("carry one signature per secret during a rotation, each accepted by a receiver holding either", () => {
    const [oldSecret, newSecret] = [generateWebhookSecret(), generateWebhookSecret()];
    const headers = webhookHeaders([newSecret, oldSecret], newMessageId(), body);
    expect(headers["webhook-signature"].split(" ")).toHaveLength(2);
    for (const secret of [oldSecret, newSecret]) expect(() => new Webhook(secret).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow();
    // A changed byte of the body fails.
    expect(() => new Webhook(newSecret).verify(body.replace("1", "2"), headers)).toThrow();
  });

  it("are refused by the receiver when the timestamp is stale (a replay days later)", () => {
    const secret = generateWebhookSecret();
    const headers = webhookHeaders([secret], newMessageId(), body, new Date(Date.now() - 3_600_000));
    expect(() => new Webhook(secret).verify(body, headers)).toThrow();
  });
});

describe("webhook endpoint input", () => {
  it("takes http(s) URLs with a query, and refuses credentials, fragments and other schemes", () => {
    expect(webhookUrlShapeProblem("https://hooks.example.com/keysmith?team=sec")).toBeNull();
    expect(webhookUrlShapeProblem("https://user:pw@hooks.example.com/")).toMatch(/credentials/);
    expect(webhookUrlShapeProblem("https://hooks.example.com/#x")).toMatch(/fragment/);
    expect(webhookUrlShapeProblem("ftp://hooks.example.com/")).toMatch(/http/);
    expect(webhookUrlShapeProblem("not a url")).toMatch(/URL/);
    expect(webhookUrlShapeProblem(`https://e.com/${"a".repeat(2_000)}`)).toMatch(/2,000/);
  });

  it("stores no types for 'all events', and asks for one when 'only these' has none", () => {
    const all = webhookEndpointInput.parse({ url: "https://e.com/h", eventScope: "all", events: ["token.created"] });
    expect(storedEvents(all)).toEqual([]);
    const some = webhookEndpointInput.parse({ url: "https://e.com/h", eventScope: "some", events: "token.leaked" });
    expect(storedEvents(some)).toEqual(["token.leaked"]);
    const none = webhookEndpointInput.safeParse({ url: "https://e.com/h", eventScope: "some" });
    expect(none.success).toBe(false);
    expect(none.error?.issues[0].path).toEqual(["events"]);
    expect(webhookEndpointInput.safeParse({ url: "https://e.com/h", eventScope: "some", events: ["token.stolen"] }).success).toBe(false);
  });
});

describe("leak report input", () => {
  it("takes a token or its masked form, and an optional http(s) URL", () => {
    expect(leakReportInput.parse({ token: " ksw_AbCd…wxYz ", url: "" })).toEqual({ token: "ksw_AbCd…wxYz" });
    expect(leakReportInput.safeParse({ token: "ksw_x", url: "javascript:alert(1)" }).success).toBe(false);
    expect(leakReportInput.safeParse({ token: "" }).success).toBe(false);
  });
});
