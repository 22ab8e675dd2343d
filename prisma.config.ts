import { defineConfig } from "prisma/config";

// The Prisma CLI is used only for `prisma generate` (see scripts/prisma-generate.mjs);
// migrations are authored and applied by the project's own tools (lib/db/migrate.ts).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
