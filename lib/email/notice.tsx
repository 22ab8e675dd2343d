import "server-only";
import { Body, Container, Head, Heading, Hr, Html, Link, Preview, Section, Text } from "@react-email/components";

/**
 * A notice about something that happened in an org (a leaked token, a webhook
 * endpoint turned off): a heading, a line saying why the reader gets it, one
 * block of "label: value" rows per thing it is about, a link, and a footnote.
 */
export interface NoticeEmailProps {
  heading: string;
  intro: string;
  /** One block per subject (e.g. per leaked token); a block's `title` leads it. */
  blocks: Array<{ title?: string; rows: Array<[string, string]> }>;
  link: { href: string; label: string };
  footnote: string;
}

/** The plain-text part, one "Label: value" line per row. */
export function noticeText(p: NoticeEmailProps): string {
  return [
    p.heading,
    p.intro,
    ...p.blocks.flatMap((b) => ["", ...(b.title ? [b.title] : []), ...b.rows.map(([k, v]) => `${k}: ${v}`)]),
    "",
    `${p.link.label}: ${p.link.href}`,
    "",
    p.footnote,
  ].join("\n");
}

const text = { fontSize: "14px", lineHeight: "22px", color: "#27272a", margin: "0" };
const label = { ...text, color: "#71717a", width: "130px", verticalAlign: "top" as const };

export function NoticeEmail(p: NoticeEmailProps) {
  return (
    <Html>
      <Head />
      <Preview>{p.heading}</Preview>
      <Body style={{ backgroundColor: "#f4f4f5", fontFamily: "-apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif" }}>
        <Container style={{ backgroundColor: "#ffffff", borderRadius: "8px", padding: "32px", margin: "32px auto", maxWidth: "560px" }}>
          <Heading as="h1" style={{ fontSize: "20px", color: "#18181b", margin: "0 0 8px" }}>
            {p.heading}
          </Heading>
          <Text style={text}>{p.intro}</Text>
          {p.blocks.map((block, i) => (
            <Section key={i} style={{ marginTop: "20px" }}>
              {block.title && <Text style={{ ...text, fontWeight: 600, marginBottom: "4px" }}>{block.title}</Text>}
              <table cellPadding={4} style={{ borderCollapse: "collapse" }}>
                <tbody>
                  {block.rows.map(([k, v]) => (
                    <tr key={k}>
                      <td style={label}>{k}</td>
                      <td style={{ ...text, fontFamily: k === "Token" ? "monospace" : undefined, wordBreak: "break-all" }}>{v}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Section>
          ))}
          <Section style={{ marginTop: "24px" }}>
            <Link href={p.link.href} style={{ backgroundColor: "#4f46e5", color: "#ffffff", padding: "10px 16px", borderRadius: "6px", fontSize: "14px" }}>
              {p.link.label}
            </Link>
          </Section>
          <Hr style={{ margin: "28px 0 16px", borderColor: "#e4e4e7" }} />
          <Text style={{ ...text, fontSize: "12px", color: "#71717a" }}>{p.footnote}</Text>
        </Container>
      </Body>
    </Html>
  );
}
