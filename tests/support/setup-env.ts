/**
 * Every test process gets what every server process has at start
 * (scripts/serve-main.ts resolves it before anything runs): an app secret, so
 * code that seals or signs works as in production. Random per process: no test
 * can depend on its value, and none is a constant in the code.
 */
import { randomBytes } from "node:crypto";

process.env.NEXTAUTH_SECRET ??= randomBytes(32).toString("base64url");
