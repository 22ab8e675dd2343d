import "server-only";
import { Section, Text } from "@react-email/components";
import { ActionLink, EmailShell, FieldTable, Footnote, text } from "./layout";

export interface TokenExpiringEmailProps {
  kindLabel: string;
  tokenName: string;
  scope: string;
  orgName: string;
  masked: string;
  /** Whole days left, rounded up (1 = within a day). */
  daysLeft: number;
  /** UTC, e.g. "2026-12-01 00:00 UTC". */
  expiresAt: string;
  /** "3 hours ago", "never", as of sending. */
  lastUsed: string;
  link: string;
  /** Why this person gets it: the token's creator, or an admin of the organization. */
  reason: "creator" | "admin";
}

export function expiresIn(daysLeft: number): string {
  return daysLeft <= 1 ? "within a day" : `in ${daysLeft} days`;
}

function fields(p: TokenExpiringEmailProps): Array<[string, string]> {
  return [
    ["Kind", p.kindLabel],
    ["Label", p.tokenName],
    ["Scope", p.scope],
    ["Token", p.masked],
    ["Expires (UTC)", p.expiresAt],
    ["Last used", p.lastUsed],
  ];
}

function intro(p: TokenExpiringEmailProps): string {
  const why = p.reason === "creator" ? "You created it." : "You receive this because you are an admin of the organization.";
  return `In ${p.orgName}. ${why}`;
}

const ADVICE =
  "If it is still needed, regenerate it (choosing a new expiry if the organization's policy asks for one) or create a replacement, and update the clients that use it before it expires. If not, there is nothing to do: it stops working on its own.";

export function tokenExpiringText(p: TokenExpiringEmailProps): string {
  return [
    `${p.kindLabel} "${p.tokenName}" expires ${expiresIn(p.daysLeft)}`,
    intro(p),
    "",
    ...fields(p).map(([k, v]) => `${k}: ${v}`),
    "",
    ADVICE,
    "",
    `View the token in Keysmith: ${p.link}`,
  ].join("\n");
}

/** The reminder a token's creator and the org's admins get 7 days and 1 day before it expires. */
export function TokenExpiringEmail(p: TokenExpiringEmailProps) {
  return (
    <EmailShell preview={`${p.kindLabel} "${p.tokenName}" expires ${expiresIn(p.daysLeft)}`} heading={`A ${p.kindLabel.toLowerCase()} expires ${expiresIn(p.daysLeft)}`}>
      <Text style={text}>{intro(p)}</Text>
      <Section style={{ marginTop: "20px" }}>
        <FieldTable rows={fields(p)} />
      </Section>
      <Text style={{ ...text, marginTop: "20px" }}>{ADVICE}</Text>
      <ActionLink href={p.link}>View the token in Keysmith</ActionLink>
      <Footnote>Keysmith sends this reminder 7 days and 1 day before a token expires. The token&apos;s secret is never sent by e-mail.</Footnote>
    </EmailShell>
  );
}
