/**
 * `npm start` / `npm run dev`: Keysmith's server (scripts/serve-main.ts). The
 * data plane runs our lib/ modules in plain Node, outside Next's bundles, and
 * several of them are marked "server-only": resolve that marker first, then load
 * the server (a dynamic import, so the hook is in place before anything links).
 */
import "./stub-server-only";

// Before any module picks its React build: the data plane renders e-mails (react-email) in
// this process next to Next's production React, and a development JSX runtime loaded first
// fails inside it ("dispatcher.getOwner is not a function"). Next would set this itself, but
// only once it starts, after the data plane's modules are loaded.
(process.env as Record<string, string | undefined>).NODE_ENV ??= process.argv.includes("--dev") ? "development" : "production";

await import("./serve-main");
