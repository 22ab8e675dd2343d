/**
 * Writing mail: rows in OutboxEmail, inside the caller's transaction, so the
 * mail exists exactly when the change that caused it does. Delivery is
 * lib/email/delivery.ts's job.
 */
import { render } from "@react-email/components";
import type { Prisma } from "@/lib/generated/prisma/client";
import { ROLE_LABELS } from "@/lib/authz";
import type { TokenView } from "@/lib/tokens/service";
import { TokenIssuedEmail, tokenIssuedText, type TokenIssuedEmailProps } from "./token-issued";

type Tx = Prisma.TransactionClient;

const KIND_LABEL = { WORKSPACE: "Workspace token", GATEWAY: "Gateway token", ORGANIZATION: "Organization token" } as const;
const KIND_PATH = { WORKSPACE: "tokens/workspace", GATEWAY: "gateways", ORGANIZATION: "tokens/organization" } as const;

function consoleUrl(): string {
  return (process.env.NEXTAUTH_URL ?? "http://localhost:3000").replace(/\/+$/, "");
}

export function scopeLabel(token: TokenView): string {
  if (token.kind === "ORGANIZATION") return `Role: ${token.role ? ROLE_LABELS[token.role] : "—"}`;
  if (token.kind === "GATEWAY") return token.gateway ? `Gateway: ${token.gateway.name} (${token.gateway.slug})` : "Gateway";
  const perms = token.permissions.join(", ") || "none";
  return `${perms}; ${token.project ? `project ${token.project.name}` : "all projects"}`;
}

export function tokenLink(orgSlug: string, token: TokenView): string {
  const path = token.kind === "GATEWAY" && token.gateway ? `gateways/${token.gateway.slug}` : KIND_PATH[token.kind];
  return `${consoleUrl()}/o/${orgSlug}/${path}?token=${encodeURIComponent(token.id)}`;
}

/** Queues one e-mail per admin of the org about a token that was created or regenerated. */
export async function queueTokenIssuedEmails(
  tx: Tx,
  args: {
    org: { id: string; slug: string; name: string };
    token: TokenView;
    action: "created" | "regenerated";
    creator: { name: string; email: string };
    at: Date;
    eventId: string;
    previousValidUntil?: Date | null;
  },
): Promise<number> {
  const admins = await tx.membership.findMany({
    where: { orgId: args.org.id, role: "ADMIN" },
    select: { user: { select: { email: true } } },
  });
  if (admins.length === 0) return 0;
  const props: TokenIssuedEmailProps = {
    action: args.action,
    kindLabel: KIND_LABEL[args.token.kind],
    tokenName: args.token.name,
    scope: scopeLabel(args.token),
    orgName: args.org.name,
    creatorName: args.creator.name,
    creatorEmail: args.creator.email,
    time: args.at.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC"),
    masked: args.token.masked,
    link: tokenLink(args.org.slug, args.token),
    previousValidUntil: args.previousValidUntil ? args.previousValidUntil.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC") : "",
  };
  const html = await render(TokenIssuedEmail(props));
  const text = tokenIssuedText(props);
  const subject = `[${args.org.name}] ${props.kindLabel} "${args.token.name}" ${args.action}`;
  await tx.outboxEmail.createMany({
    data: admins.map(({ user }) => ({
      orgId: args.org.id,
      to: user.email,
      subject,
      html,
      text,
      // One key per (event, recipient): the provider drops a repeated send.
      idempotencyKey: `${args.eventId}:${user.email}`,
    })),
  });
  return admins.length;
}
