/**
 * `POST /api/security/token-leaks`: leak reports from a secret scanner, in
 * GitHub's secret scanning partner protocol (docs/secret-scanning.md). No
 * token authenticates it: the body's ECDSA P-256 signature does, and an
 * unsigned or badly signed report is a 401 that changes nothing. The answer is
 * GitHub's feedback array, one label per match, with the token's SHA-256 only.
 */
import "server-only";
import { z } from "zod";
import { parseJsonBytes, readRawJsonBody } from "@/lib/api/body";
import { ApiError, json, toErrorResponse } from "@/lib/api/responses";
import type { ApiRequest } from "@/lib/api/request";
import { getDb } from "@/lib/db/client";
import { leakKeyConfig, leakReportKey, LeakKeysUnavailable } from "@/lib/leaks/keys";
import { processScannerReport, signatureValid } from "@/lib/leaks/report";
import { clientIpFromHeaders, userAgentFromHeaders } from "@/lib/request-info";

/** A report of 20,000 typical matches; a bigger one is refused before it is read whole. */
export const MAX_REPORT_BYTES = 4 * 1024 * 1024;

const text = (max: number) => z.string().max(max);
const reportBody = z.array(
  z.object({
    token: text(1_000),
    type: text(200).default(""),
    url: text(4_000).nullish().transform((v) => v ?? undefined),
    source: text(200).nullish().transform((v) => v ?? undefined),
  }),
);

const NOT_CONFIGURED =
  "Leak reports are not configured on this server: set KEYSMITH_LEAK_KEYS_URL (GitHub: https://api.github.com/meta/public_keys/secret_scanning) or KEYSMITH_LEAK_KEYS_FILE.";
const UNSIGNED = "The report must be signed: Github-Public-Key-Identifier and Github-Public-Key-Signature headers.";
const BAD_SIGNATURE = "The report's signature does not verify.";

export const tokenLeaks = {
  POST: async (request: ApiRequest): Promise<Response> => {
    try {
      const config = leakKeyConfig();
      if (!config) {
        void request.body?.cancel().catch(() => {});
        throw new ApiError(503, NOT_CONFIGURED);
      }
      const keyId = request.headers.get("github-public-key-identifier")?.trim();
      const signature = request.headers.get("github-public-key-signature")?.trim();
      if (!keyId || !signature || keyId.length > 200) {
        void request.body?.cancel().catch(() => {});
        throw new ApiError(401, UNSIGNED, { connection: "close" });
      }
      // The signature covers the exact bytes: they are checked before anything reads them as JSON.
      const body = await readRawJsonBody(request, { maxBytes: MAX_REPORT_BYTES });
      let key;
      try {
        key = await leakReportKey(config, keyId);
      } catch (error) {
        if (!(error instanceof LeakKeysUnavailable)) throw error;
        console.error("leak reports:", error.message);
        throw new ApiError(503, "The public keys that sign leak reports could not be read. Try again later.", { "retry-after": "60" });
      }
      if (!key || !signatureValid(body, signature, key)) throw new ApiError(401, BAD_SIGNATURE);
      const matches = parseJsonBytes(body, reportBody);
      const feedback = await processScannerReport(await getDb(), matches, {
        actor: { type: "system", id: "secret-scanning", label: "Secret scanning" },
        via: "github",
        ip: clientIpFromHeaders(request.headers),
        userAgent: userAgentFromHeaders(request.headers),
      });
      return json(feedback);
    } catch (error) {
      return toErrorResponse(error);
    }
  },
};
