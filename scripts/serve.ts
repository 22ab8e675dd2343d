/**
 * `npm start` / `npm run dev`: Keysmith's server (scripts/serve-main.ts). The
 * data plane runs our lib/ modules in plain Node, outside Next's bundles, and
 * several of them are marked "server-only": resolve that marker first, then load
 * the server (a dynamic import, so the hook is in place before anything links).
 */
import "./stub-server-only";

await import("./serve-main");
