/**
 * The parts every Keysmith e-mail is made of: the frame (preview line, card,
 * heading), label/value rows, the one call to action and the small print.
 */
import "server-only";
import { Body, Container, Head, Heading, Hr, Html, Link, Preview, Section, Text } from "@react-email/components";
import type { ReactNode } from "react";

/** Body text. */
export const text = { fontSize: "14px", lineHeight: "22px", color: "#27272a", margin: "0" };
const label = { ...text, color: "#71717a", width: "130px", verticalAlign: "top" as const };

export function EmailShell({ preview, heading, children }: { preview: string; heading: ReactNode; children: ReactNode }) {
  return (
    <Html>
      <Head />
      <Preview>{preview}</Preview>
      <Body style={{ backgroundColor: "#f4f4f5", fontFamily: "-apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif" }}>
        <Container style={{ backgroundColor: "#ffffff", borderRadius: "8px", padding: "32px", margin: "32px auto", maxWidth: "560px" }}>
          <Heading as="h1" style={{ fontSize: "20px", color: "#18181b", margin: "0 0 8px" }}>
            {heading}
          </Heading>
          {children}
        </Container>
      </Body>
    </Html>
  );
}

/** Label/value rows; a masked token in a monospace face, long values wrapped anywhere. */
export function FieldTable({ rows }: { rows: Array<[string, string]> }) {
  return (
    <table cellPadding={4} style={{ borderCollapse: "collapse" }}>
      <tbody>
        {rows.map(([k, v]) => (
          <tr key={k}>
            <td style={label}>{k}</td>
            <td style={{ ...text, fontFamily: k === "Token" ? "monospace" : undefined, wordBreak: "break-all" }}>{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The e-mail's one call to action. */
export function ActionLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <Section style={{ marginTop: "24px" }}>
      <Link href={href} style={{ backgroundColor: "#4f46e5", color: "#ffffff", padding: "10px 16px", borderRadius: "6px", fontSize: "14px" }}>
        {children}
      </Link>
    </Section>
  );
}

/** The small print, under a rule. */
export function Footnote({ children }: { children: ReactNode }) {
  return (
    <>
      <Hr style={{ margin: "28px 0 16px", borderColor: "#e4e4e7" }} />
      <Text style={{ ...text, fontSize: "12px", color: "#71717a" }}>{children}</Text>
    </>
  );
}
