"use client";

import { useState } from "react";
import { Badge } from "@/components/ui/card";
import { ROLE_LABELS } from "@/lib/authz";
import type { ShownToken } from "@/lib/tokens/console";
import { hygieneBadges } from "@/lib/tokens/hygiene";

/** The kind-specific scope: permissions and project, gateway, or role. */
export function TokenScope({ token, compact = false }: { token: ShownToken; compact?: boolean }) {
  if (token.kind === "ORGANIZATION") {
    return token.role ? <Badge tone={token.role === "ADMIN" ? "brand" : "zinc"}>{ROLE_LABELS[token.role]}</Badge> : null;
  }
  if (token.kind === "GATEWAY") {
    return token.gateway ? (
      <span className="text-zinc-800">
        {token.gateway.name} <span className="font-mono text-xs text-zinc-500">{token.gateway.slug}</span>
      </span>
    ) : (
      <span className="text-zinc-500">Deleted gateway</span>
    );
  }
  const shown = compact ? token.permissions.slice(0, 2) : token.permissions;
  const more = token.permissions.length - shown.length;
  return (
    <div className="space-y-1">
      <div className="flex flex-wrap gap-1">
        {shown.map((p) => (
          <span key={p} className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-[11px] text-zinc-700">
            {p}
          </span>
        ))}
        {more > 0 && (
          <span className="rounded px-1 py-0.5 text-[11px] text-zinc-500" title={token.permissions.join(", ")}>
            +{more} more
          </span>
        )}
      </div>
      <p className="text-xs text-zinc-500">{token.project ? `Project: ${token.project.name}` : "All projects"}</p>
    </div>
  );
}

export function CreatedBy({ token }: { token: Pick<ShownToken, "createdBy" | "createdByToken"> }) {
  const member = token.createdBy && (
    <span title={token.createdBy.email}>
      {token.createdBy.name}
      {token.createdBy.formerMember && <span className="ml-1 text-xs text-zinc-500">(former member)</span>}
    </span>
  );
  if (!token.createdByToken) return member || <span className="text-zinc-500">—</span>;
  return (
    <span>
      {member}
      {member && " "}
      <span className="text-zinc-600">{member ? "through token" : "Token"}</span> {token.createdByToken.name}{" "}
      <span className="font-mono text-xs text-zinc-500">{token.createdByToken.masked}</span>
    </span>
  );
}

/** A small badge per active rule, so a glance at the list shows which tokens are fenced in. */
/** "Leaked", in red, when a leak report names the token's current secret (where and when on hover and in the details). */
export function LeakBadge({ leak }: { leak: ShownToken["leak"] }) {
  if (!leak) return null;
  const when = leak.at.replace("T", " ").slice(0, 16);
  return (
    <span
      title={`Reported leaked ${when} UTC${leak.url ? ` at ${leak.url}` : ""}${leak.by ? ` by ${leak.by}` : ""}`}
      className="rounded bg-red-50 px-1.5 py-0.5 text-[11px] font-medium text-red-700 ring-1 ring-inset ring-red-200"
    >
      Leaked
    </span>
  );
}

export function RuleBadges({ token }: { token: ShownToken }) {
  const badges: Array<[string, string]> = [];
  if (token.previous) badges.push(["Overlap", `Previous secret ${token.previous.masked} valid until ${token.previous.validUntil.replace("T", " ").slice(0, 16)} UTC`]);
  if (token.ipAllowlist.length) badges.push(["IP allowlist", token.ipAllowlist.join(", ")]);
  if (token.rateLimitPerMinute) badges.push([`${token.rateLimitPerMinute}/min`, `At most ${token.rateLimitPerMinute} requests per minute`]);
  if (token.allowedModels.length) badges.push(["Models", token.allowedModels.join(", ")]);
  if (token.monthlyTokenBudget !== null) {
    badges.push([
      "Budget",
      `${(token.monthTokens ?? 0).toLocaleString("en-US")} of ${token.monthlyTokenBudget.toLocaleString("en-US")} tokens this month`,
    ]);
  }
  if (badges.length === 0 && !token.leak) return null;
  return (
    <div className="mt-1 flex flex-wrap gap-1">
      <LeakBadge leak={token.leak} />
      {badges.map(([label, title]) => (
        <span key={label} title={title} className="rounded bg-amber-50 px-1.5 py-0.5 text-[11px] font-medium text-amber-800 ring-1 ring-inset ring-amber-200">
          {label}
        </span>
      ))}
    </div>
  );
}

/** Hygiene at a glance: never used, unused for a month, expiring soon, beyond the org's lifetime policy. */
export function HygieneBadges({ token }: { token: ShownToken }) {
  const [now] = useState(() => Date.now());
  const badges = hygieneBadges(token, now);
  if (badges.length === 0 && !token.beyondPolicy) return null;
  return (
    <div className="mt-1 flex flex-wrap gap-1" data-testid="hygiene-badges">
      {badges.map((b) => (
        <span key={b.label} title={b.title} suppressHydrationWarning>
          <Badge tone={b.tone}>{b.label}</Badge>
        </span>
      ))}
      {token.beyondPolicy && (
        <span title="Its lifetime is longer than the organization's token policy allows: it keeps working, but a token made today could not live this long.">
          <Badge tone="red">Beyond policy</Badge>
        </span>
      )}
    </div>
  );
}
