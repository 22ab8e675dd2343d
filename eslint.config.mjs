import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

/**
 * The layering of docs/architecture.md, enforced:
 * - app/ holds routes only: no "use server", no database, no Prisma client;
 * - components/ import actions from lib/actions/, never from app/, and touch no database;
 * - lib/schemas/ stays client-safe (forms in the browser parse with it).
 */
const noDatabase = [
  { group: ["@/lib/db/*", "@/lib/generated/prisma/client", "@/lib/generated/prisma/client/*"], message: "Reach the database through lib/<domain>/ services and the frames (orgPage, tokenRoute, orgAction)." },
];
const useServer = { selector: "ExpressionStatement[directive='use server']", message: "Server actions live in lib/actions/ (one file per domain, on the action frame)." };

const config = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    ignores: [".next/**", ".next-*/**", "lib/generated/**", "node_modules/**", ".data/**", "test-results/**", "playwright-report/**", "next-env.d.ts"],
  },
  {
    files: ["lib/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "error" },
  },
  {
    files: ["app/**/*.ts", "app/**/*.tsx"],
    rules: {
      "no-restricted-imports": ["error", { patterns: noDatabase }],
      "no-restricted-syntax": ["error", useServer],
    },
  },
  {
    files: ["components/**/*.ts", "components/**/*.tsx"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [...noDatabase, { group: ["@/app/*", "**/app/*"], message: "Components import actions from lib/actions/, never from app/." }] }],
      "no-restricted-syntax": ["error", useServer],
    },
  },
  {
    files: ["lib/**/*.ts", "lib/**/*.tsx"],
    ignores: ["lib/actions/**"],
    rules: { "no-restricted-syntax": ["error", useServer] },
  },
  {
    files: ["lib/schemas/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["server-only", "node:*", "@/lib/db/*", "@/lib/generated/prisma/client", "@/lib/actions/*", "@/lib/auth/*"], message: "lib/schemas/ is imported by browser code: zod and client-safe modules only." },
          ],
        },
      ],
    },
  },
];

export default config;
