import { expect, test } from "@playwright/test";
import { acceptAsNewUser, invite, newAccount, sidebarNav, signInAsAdmin, unique } from "./support/flows";
import { callMe, mailboxMessagesAbout, tokenRow } from "./support/tokens";

const ORG_SECRET = /^kso_[0-9A-Za-z]{36}$/;

test("an organization token outlives the admin who created it; admins are e-mailed; non-admins cannot see the page", async ({ page, browser, request }) => {
  test.setTimeout(150_000);
  await signInAsAdmin(page);

  // A second admin creates the organization token.
  const creator = newAccount("org-token-admin");
  const link = await invite(page, "acme", creator.email, "Admin");
  const { context, page: creatorPage } = await acceptAsNewUser(browser, link, creator);
  const label = unique("Deploy bot");
  await creatorPage.goto("/o/acme/tokens/organization");
  await creatorPage.getByRole("button", { name: "Create token", exact: true }).click();
  const dialog = creatorPage.getByRole("dialog", { name: "Create organization token" });
  // Least privilege by default.
  await expect(dialog.getByRole("radio", { name: /Developer/ })).toBeChecked();
  await dialog.getByLabel("Name", { exact: true }).fill(label);
  await dialog.getByRole("button", { name: "Create token", exact: true }).click();
  const modal = creatorPage.getByRole("dialog", { name: "Token created" });
  const secret = await modal.getByLabel("Your new token").inputValue();
  expect(secret).toMatch(ORG_SECRET);
  await modal.getByRole("button", { name: "I have saved it — close" }).click();
  await expect(tokenRow(creatorPage, label)).toContainText("Developer");

  const me = await callMe(request, secret);
  expect(me.status).toBe(200);
  expect(me.body).toMatchObject({ kind: "organization", role: "DEVELOPER", name: label });

  // Every admin got the notice, with the masked token and never the secret.
  const mails = await mailboxMessagesAbout(page, label);
  expect(mails).toHaveLength(1);
  expect(mails[0].subject).toContain(`Organization token "${label}" created`);
  expect(mails[0].html).toContain(secret.slice(0, 8));
  expect(mails[0].html).not.toContain(secret);

  // The first admin removes the creator: the token keeps working, shown with a former member.
  await page.goto("/o/acme/members");
  await page.getByRole("button", { name: `Remove ${creator.name}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Remove member" }).click();
  await expect(page.getByText(creator.email)).toHaveCount(0);
  await expect.poll(async () => (await callMe(request, secret)).status, { timeout: 5_000 }).toBe(200);
  await page.goto("/o/acme/tokens/organization");
  await expect(tokenRow(page, label)).toContainText("(former member)");
  await context.close();

  // A developer neither sees the page in the navigation nor can open it.
  const dev = newAccount("org-token-dev");
  const devLink = await invite(page, "acme", dev.email, "Developer");
  const devSession = await acceptAsNewUser(browser, devLink, dev);
  await expect(sidebarNav(devSession.page).getByRole("link", { name: "Organization tokens" })).toHaveCount(0);
  const direct = await devSession.page.goto("/o/acme/tokens/organization");
  expect(direct?.status()).toBe(404);
  await devSession.context.close();
});
