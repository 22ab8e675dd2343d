import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // A separate build folder lets a second checkout-local build (e.g. a benchmark) run beside the e2e one.
  distDir: process.env.KEYSMITH_DIST_DIR || ".next",
  // PGlite loads its WebAssembly and data files from its own package folder at run
  // time; bundled, it cannot find them (500 on every page).
  // undici (the gateway's upstream client) is Node-only and loads optional parts
  // lazily (e.g. node:sqlite for its cache store): load it from node_modules as is.
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "undici"],
  poweredByHeader: false,
  // `npm run typecheck` checks the whole project (tests included) before the build in
  // `npm test`; a second pass inside `next build` would only repeat it.
  typescript: { ignoreBuildErrors: true },
  typedRoutes: false,
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};

export default nextConfig;
