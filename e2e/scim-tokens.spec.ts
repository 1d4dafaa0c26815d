import { randomUUID } from "node:crypto";
import { expect, type Page, test } from "@playwright/test";

// Issuing, rotating and revoking each wait for a server action and the page's revalidation.
test.describe.configure({ timeout: 180_000 });

async function scimStatus(page: Page, token: string): Promise<number> {
  const res = await page.request.get("/scim/v2/Users?count=1", { headers: { authorization: `Bearer ${token}` } });
  return res.status();
}

async function shownSecret(page: Page): Promise<string> {
  const secret = page.getByTestId("scim-token-secret");
  await expect(secret).toHaveValue(/^mdtscim_/);
  const token = await secret.inputValue();
  await page.getByTestId("close-scim-token-dialog").click();
  return token;
}

test("an admin rotates a SCIM token (the old one stops working) and then revokes it", async ({ page }) => {
  const name = `Rotation ${randomUUID().slice(0, 8)}`;
  await page.goto("/settings/scim-tokens");
  await page.getByTestId("create-scim-token").first().click();
  await page.getByTestId("scim-token-name").fill(name);
  await page.getByTestId("confirm-create-scim-token").click();
  const first = await shownSecret(page);
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row).toBeVisible({ timeout: 30_000 });
  expect(await scimStatus(page, first)).toBe(200);

  await row.getByTestId("rotate-scim-token").click();
  await page.getByRole("button", { name: "Rotate token" }).click();
  const second = await shownSecret(page);
  expect(second).not.toBe(first);
  expect(await scimStatus(page, first)).toBe(401);
  expect(await scimStatus(page, second)).toBe(200);
  // Rotating keeps the old token's row, revoked, beside the new one.
  await expect(row).toHaveCount(2, { timeout: 30_000 });
  await expect(row.getByText("revoked", { exact: true })).toHaveCount(1);

  await row.getByTestId("revoke-scim-token").click();
  await page.getByRole("button", { name: "Revoke token" }).click();
  await expect(page.getByText(`Revoked ${name}`)).toBeVisible();
  await expect(row.getByText("revoked", { exact: true })).toHaveCount(2, { timeout: 30_000 });
  await expect(row.getByTestId("revoke-scim-token")).toHaveCount(0);
  expect(await scimStatus(page, second)).toBe(401);
});
