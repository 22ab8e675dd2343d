import "server-only";
import { Button, Text } from "@react-email/components";
import { EmailShell, text as bodyText } from "./layout";

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

/** Paragraphs spaced below (the layout's text has no margin). */
const text = { ...bodyText, margin: "0 0 12px" };

/** The invitee's e-mail (docs/contract.md §1): who invited them, to what, with which role, and the link. */
export function InvitationEmail(p: InvitationEmailProps) {
  return (
    <EmailShell preview={`Join ${p.orgName} on Keysmith`} heading={`Join ${p.orgName} on Keysmith`}>
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
    </EmailShell>
  );
}
