import { expect, test } from "@playwright/test";
import { ACME, signInAsAdmin } from "./support/flows";

test("the API reference reads the API's own OpenAPI document, linked from the token pages and the gateway console", async ({ page, request }) => {
  await signInAsAdmin(page);
  await page.goto(`/o/${ACME.slug}/tokens/workspace`);
  await page.getByRole("link", { name: "API reference" }).last().click();
  await expect(page.getByRole("heading", { level: 1, name: "API reference" })).toBeVisible();

  // Every operation of the served document is on the page, with its method and path.
  const spec = (await (await request.get("/api/v1/openapi.json")).json()) as { paths: Record<string, Record<string, { summary: string }>> };
  const index = page.getByRole("navigation", { name: "Operations" });
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      await expect(index.getByRole("link", { name: new RegExp(`${method.toUpperCase()}\\s*${op.summary.replace(/[()]/g, "\\$&")}`) })).toBeVisible();
      await expect(page.getByRole("region", { name: op.summary })).toContainText(path);
    }
  }
  const create = page.getByRole("region", { name: "Create a workspace token; the secret is returned once" });
  await expect(create.getByLabel("Body of Create a workspace token; the secret is returned once")).toContainText("permissions");
  await expect(create).toContainText("required");

  // The gateway console links to the gateway API's part of the page.
  await page.goto(`/o/${ACME.slug}/api-reference#gateway-api`);
  await expect(page.getByRole("region", { name: "Gateway API" })).toContainText("/api/gpt/v1");
});
