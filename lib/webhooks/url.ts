/**
 * Which webhook URLs an admin may register: the gateway upstream's rules
 * (lib/net/egress.ts, docs/contract.md §9), since anyone can sign up and an
 * admin chooses the URL the server will POST to. Checked on save (shape, IP
 * literal, what the name resolves to now) and again on every address actually
 * dialled (lib/net/egress-agent.ts), so DNS rebinding gets nowhere.
 */
import "server-only";
import { hostRefusal, refusalMessage, resolutionProblem, systemLookup, urlHost, type Lookup } from "@/lib/net/egress";
import { webhookUrlShapeProblem } from "@/lib/schemas/webhooks";

const SUBJECT = "a webhook URL";

/** What is wrong with the URL without asking DNS, or null. */
export function webhookUrlProblem(raw: string): string | null {
  const shape = webhookUrlShapeProblem(raw);
  if (shape) return shape;
  const host = urlHost(new URL(raw));
  const rule = hostRefusal(host);
  return rule ? refusalMessage(rule, host, SUBJECT) : null;
}

/** The save-time check: the shape, then what the host resolves to now (a name that does not resolve is accepted). */
export async function webhookUrlRefusal(raw: string, lookup: Lookup = systemLookup): Promise<string | null> {
  return webhookUrlProblem(raw) ?? (await resolutionProblem(raw, SUBJECT, lookup));
}
