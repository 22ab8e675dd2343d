import "server-only";
import { Section, Text } from "@react-email/components";
import { ActionLink, EmailShell, FieldTable, Footnote, text } from "./layout";

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

export function NoticeEmail(p: NoticeEmailProps) {
  return (
    <EmailShell preview={p.heading} heading={p.heading}>
      <Text style={text}>{p.intro}</Text>
      {p.blocks.map((block, i) => (
        <Section key={i} style={{ marginTop: "20px" }}>
          {block.title && <Text style={{ ...text, fontWeight: 600, marginBottom: "4px" }}>{block.title}</Text>}
          <FieldTable rows={block.rows} />
        </Section>
      ))}
      <ActionLink href={p.link.href}>{p.link.label}</ActionLink>
      <Footnote>{p.footnote}</Footnote>
    </EmailShell>
  );
}
