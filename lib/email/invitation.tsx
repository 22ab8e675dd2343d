import "server-only";
import { Body, Button, Container, Head, Heading, Html, Preview, Text } from "@react-email/components";

export interface InvitationEmailProps {
  orgName: string;
  inviterName: string;
  roleLabel: string;
  /** The invitation link: it carries the secret, so the mail is stored sealed until sent. */
  link: string;
  /** "6 Dec 2026" */
  expires: string;
  email: string;
}

export function invitationSubject(p: InvitationEmailProps): string {
  return `${p.inviterName} invited you to ${p.orgName} on Keysmith`;
}

export function invitationText(p: InvitationEmailProps): string {
  return [
    `${p.inviterName} invited you to join ${p.orgName} on Keysmith as ${p.roleLabel}.`,
    "",
    `Accept the invitation: ${p.link}`,
    "",
    `The link works until ${p.expires}, for ${p.email} only: sign in or create an account with that address.`,
    "If you did not expect this, ignore this e-mail; nothing happens unless the link is opened and accepted.",
  ].join("\n");
}

const text = { fontSize: "14px", lineHeight: "22px", color: "#27272a", margin: "0 0 12px" };

/** The invitee's e-mail (docs/contract.md §1): who invited them, to what, with which role, and the link. */
export function InvitationEmail(p: InvitationEmailProps) {
  return (
    <Html>
      <Head />
      <Preview>{`Join ${p.orgName} on Keysmith`}</Preview>
      <Body style={{ backgroundColor: "#f4f4f5", fontFamily: "-apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif" }}>
        <Container style={{ backgroundColor: "#ffffff", borderRadius: "8px", padding: "32px", margin: "32px auto", maxWidth: "560px" }}>
          <Heading as="h1" style={{ fontSize: "20px", color: "#18181b", margin: "0 0 12px" }}>
            Join {p.orgName} on Keysmith
          </Heading>
          <Text style={text}>
            <strong>{p.inviterName}</strong> invited you to join <strong>{p.orgName}</strong> as <strong>{p.roleLabel}</strong>.
          </Text>
          <Button
            href={p.link}
            style={{ backgroundColor: "#4f46e5", color: "#ffffff", borderRadius: "6px", padding: "10px 18px", fontSize: "14px", fontWeight: 600 }}
          >
            Accept the invitation
          </Button>
          <Text style={{ ...text, marginTop: "20px", color: "#71717a", fontSize: "13px" }}>
            The link works until {p.expires}, for {p.email} only: sign in or create an account with that address. If you did not expect
            this, ignore this e-mail.
          </Text>
        </Container>
      </Body>
    </Html>
  );
}
