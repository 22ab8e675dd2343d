/**
 * What one huge request costs the server: POSTs a body of N MB, generated
 * lazily, to the gateway's messages route on an echo gateway, mounted on the
 * in-process route server (tests/support/route-server.ts), and reports the
 * answer, the time, the bytes the client got to send, the process's RSS before,
 * at its highest during the upload (sampled every 5 ms, and the kernel's peak)
 * and after, and whether the server still answers a normal call afterwards.
 *
 * The database is a fresh one on TEST_DATABASE_URL's PostgreSQL server when set
 * (PGlite's WebAssembly heap, several hundred MB, would otherwise dwarf the figures),
 * else a fresh PGlite.
 *
 *   npx tsx scripts/measure-upload.ts [--mb 200] [--valid] [--declare]
 *
 * --valid closes the JSON (a well-formed request whose message is N MB of "a",
 * max_tokens 16), so a server without a cap goes on to parse and echo it;
 * --declare sends a content-length instead of a chunked body.
 */
import "./stub-server-only";

process.env.NEXTAUTH_SECRET ??= "keysmith-measure-app-secret";

const { openAppDb } = await import("../tests/support/app-db");
const { createEchoGateway, createGatewayOrg, issueGatewayToken, startGatewayServer } = await import("../tests/support/gateway-api");
const { testDatabases } = await import("../tests/support/databases");
const { peakRssMb, upload } = await import("../tests/support/upload");

const i = process.argv.indexOf("--mb");
const mb = i >= 0 ? Number(process.argv[i + 1]) : 200;
if (!(mb > 0)) throw new Error("--mb must be a positive number");
const valid = process.argv.includes("--valid");
const declareLength = process.argv.includes("--declare");

const rssMb = () => process.memoryUsage().rss / 1024 / 1024;
const f = (n: number) => n.toFixed(0);

const database = testDatabases.at(-1)!.name;
const app = await openAppDb(database);
const server = await startGatewayServer();
try {
  const o = await createGatewayOrg(app.prisma);
  const gateway = await createEchoGateway(app.prisma, o);
  const { secret } = await issueGatewayToken(app.prisma, o, gateway.id);
  const url = `${server.url}/api/gpt/v1/messages`;
  const headers = { "x-api-key": secret, "anthropic-version": "2023-06-01", "content-type": "application/json" };
  const small = JSON.stringify({ model: "keysmith-echo-1", max_tokens: 16, messages: [{ role: "user", content: "hello" }] });
  // Warm the path first, so the figures are the upload's, not the first call's.
  await (await fetch(url, { method: "POST", headers, body: small })).text();

  const rssBefore = rssMb();
  const peakBefore = peakRssMb();
  let sampledPeak = rssBefore;
  const sampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, rssMb())), 5);
  const r = await upload(url, {
    method: "POST",
    headers,
    totalBytes: Math.round(mb * 1024 * 1024),
    prefix: '{"model":"keysmith-echo-1","max_tokens":16,"messages":[{"role":"user","content":"',
    suffix: valid ? '"}]}' : undefined,
    declareLength,
  });
  clearInterval(sampler);
  const rssAfter = rssMb();
  const next = await fetch(url, { method: "POST", headers, body: small });
  await next.text();

  console.log(
    `measure-upload: ${mb} MB ${valid ? "valid JSON" : "unterminated JSON"}, ${declareLength ? "content-length declared" : "chunked"}; ${database}; node ${process.version}`,
  );
  console.log(`  answer          ${r.status} ${r.text.slice(0, 120)}`);
  console.log(`  connection      ${r.headers.connection ?? "(keep-alive)"}`);
  console.log(`  time            ${f(r.ms)} ms`);
  console.log(`  client sent     ${f(r.sentBytes / 1024 / 1024)} MB before the answer`);
  console.log(`  RSS             ${f(rssBefore)} MB before, ${f(sampledPeak)} MB at most during, ${f(rssAfter)} MB after`);
  console.log(`  kernel peak     +${f(peakRssMb() - peakBefore)} MB over the process's earlier peak`);
  console.log(`  next call       ${next.status}`);
} finally {
  await server.close();
  await app.close();
}
