import type { Metadata } from "next";
import { ComingSoon } from "@/components/coming-soon";

export const metadata: Metadata = { title: "Workspace tokens" };

export default function WorkspaceTokensPage() {
  return (
    <ComingSoon
      title="Workspace tokens"
      description="Tokens for the Workspace REST API (/api/v1/*), with a subset of your permissions."
      plans={[
        "Create tokens with chosen permissions, an optional project and an expiry; the secret is shown once.",
        "See usage counts and last use live; regenerate, deactivate or revoke.",
      ]}
    />
  );
}
