/**
 * The code a console page offers to copy, written once for every place that
 * shows it (the overview, a gateway's Developer Console, the show-once modal).
 * `key` is what goes where the token does: `$KEYSMITH_TOKEN` on pages, the
 * secret itself in the show-once modal (ready to run, gone with the modal).
 * Client-safe.
 */
export interface Snippet {
  label: string;
  code: string;
}

/** `$KEYSMITH_TOKEN` in a shell, `process.env.KEYSMITH_TOKEN` in code: one variable name everywhere. */
export const TOKEN_VARIABLE = "KEYSMITH_TOKEN";
const isVariable = (key: string) => key === `$${TOKEN_VARIABLE}`;

export function workspaceSnippets(origin: string, orgSlug: string, key: string): Snippet[] {
  return [
    {
      label: "curl",
      code: `curl ${origin}/api/v1/app/me \\\n  -H "Authorization: Bearer ${key}" \\\n  -H "x-org: ${orgSlug}"`,
    },
  ];
}

export function gatewaySnippets(origin: string, model: string, key: string): Snippet[] {
  const apiKey = isVariable(key) ? `process.env.${TOKEN_VARIABLE}` : JSON.stringify(key);
  return [
    {
      label: "curl",
      code: `curl ${origin}/api/gpt/v1/messages \\
  -H "x-api-key: ${key}" \\
  -H "anthropic-version: 2023-06-01" \\
  -H "content-type: application/json" \\
  -d '{"model": "${model}", "max_tokens": 256, "messages": [{"role": "user", "content": "Hello!"}]}'`,
    },
    {
      label: "Anthropic SDK (TypeScript)",
      code: `import Anthropic from "@anthropic-ai/sdk";

const client = new Anthropic({
  baseURL: "${origin}/api/gpt",
  apiKey: ${apiKey},
});

const message = await client.messages.create({
  model: "${model}",
  max_tokens: 256,
  messages: [{ role: "user", content: "Hello!" }],
});`,
    },
  ];
}
