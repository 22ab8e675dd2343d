import type { Metadata } from "next";
import { ComingSoon } from "@/components/coming-soon";

export const metadata: Metadata = { title: "Gateways" };

export default function GatewaysPage() {
  return (
    <ComingSoon
      title="Gateways"
      description="LLM gateways with an Anthropic-compatible API (/api/gpt/v1/*)."
      plans={[
        "Admins configure gateways and their upstreams.",
        "Developers open a gateway's Developer Console and create gateway tokens for it.",
      ]}
    />
  );
}
