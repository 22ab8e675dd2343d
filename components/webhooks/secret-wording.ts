import type { SecretWording } from "@/components/tokens/secret-modal";
import type { Snippet } from "@/lib/snippets";

/** The show-once modal's words for an endpoint's signing secret. */
export const WEBHOOK_SECRET_WORDING = (rotated: boolean): SecretWording => ({
  title: rotated ? "Signing secret rotated" : "Endpoint added",
  label: "Signing secret",
  noun: "this signing secret",
  snippetsTitle: "Check deliveries with it",
  previous: (until) =>
    until ? `Deliveries are signed with both secrets until ${until} UTC, so your receivers can switch over.` : "The previous secret no longer signs deliveries.",
});

/** How a receiver checks a delivery, with the Standard Webhooks library (the secret comes from the receiver's own configuration). */
export function verifySnippets(): Snippet[] {
  return [{ label: "Verify a delivery (standardwebhooks)", code: verifySnippet() }];
}

function verifySnippet(): string {
  return [
    'import { Webhook } from "standardwebhooks";',
    "",
    "const wh = new Webhook(process.env.KEYSMITH_WEBHOOK_SECRET);",
    "// rawBody: the request body exactly as received; headers: webhook-id, -timestamp, -signature",
    "const event = wh.verify(rawBody, headers); // throws if the signature or timestamp is wrong",
  ].join("\n");
}
