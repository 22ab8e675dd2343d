import "server-only";
import { Body, Container, Head, Heading, Hr, Html, Link, Preview, Section, Text } from "@react-email/components";

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

const text = { fontSize: "14px", lineHeight: "22px", color: "#27272a", margin: "0" };
const label = { ...text, color: "#71717a", width: "120px", verticalAlign: "top" as const };

/** The reminder a token's creator and the org's admins get 7 days and 1 day before it expires. */
export function TokenExpiringEmail(p: TokenExpiringEmailProps) {
  return (
    <Html>
      <Head />
      <Preview>{`${p.kindLabel} "${p.tokenName}" expires ${expiresIn(p.daysLeft)}`}</Preview>
      <Body style={{ backgroundColor: "#f4f4f5", fontFamily: "-apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif" }}>
        <Container style={{ backgroundColor: "#ffffff", borderRadius: "8px", padding: "32px", margin: "32px auto", maxWidth: "560px" }}>
          <Heading as="h1" style={{ fontSize: "20px", color: "#18181b", margin: "0 0 8px" }}>
            {`A ${p.kindLabel.toLowerCase()} expires ${expiresIn(p.daysLeft)}`}
          </Heading>
          <Text style={text}>{intro(p)}</Text>
          <Section style={{ marginTop: "20px" }}>
            <table cellPadding={4} style={{ borderCollapse: "collapse" }}>
              <tbody>
                {fields(p).map(([k, v]) => (
                  <tr key={k}>
                    <td style={label}>{k}</td>
                    <td style={{ ...text, fontFamily: k === "Token" ? "monospace" : undefined }}>{v}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Section>
          <Text style={{ ...text, marginTop: "20px" }}>{ADVICE}</Text>
          <Section style={{ marginTop: "24px" }}>
            <Link href={p.link} style={{ backgroundColor: "#4f46e5", color: "#ffffff", padding: "10px 16px", borderRadius: "6px", fontSize: "14px" }}>
              View the token in Keysmith
            </Link>
          </Section>
          <Hr style={{ margin: "28px 0 16px", borderColor: "#e4e4e7" }} />
          <Text style={{ ...text, fontSize: "12px", color: "#71717a" }}>Keysmith sends this reminder 7 days and 1 day before a token expires. The token&apos;s secret is never sent by e-mail.</Text>
        </Container>
      </Body>
    </Html>
  );
}
