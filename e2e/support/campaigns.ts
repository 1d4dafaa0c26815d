import { expect, type Page } from "@playwright/test";
import { pickMany, pickOne } from "./combobox";

/**
 * Creates, launches and closes a campaign over one agent's access as the
 * signed-in admin, through the console. Unreviewed items are removed at
 * close, so the closed campaign shows remediation results. Returns its path.
 */
export async function closedCampaign(
  page: Page,
  agentName: string,
  name = `E2E closed ${Date.now()}`,
): Promise<string> {
  await page.goto("/reviews/new");
  await page.getByRole("textbox", { name: "Name", exact: true }).fill(name);
  await pickMany(page, page.getByRole("combobox", { name: "Agents", exact: true }), [agentName]);
  await pickOne(page, page.getByRole("combobox", { name: /^Fallback reviewer/ }), "reviewer@acme.example");
  await page.getByRole("combobox", { name: /^Unreviewed items at close/ }).selectOption("remove");
  await page.getByTestId("create-campaign").click();
  await expect(page.getByTestId("draft-note")).toBeVisible();
  await page.getByTestId("launch-campaign").click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Launch" }).click();
  await expect(page.getByTestId("campaign-progress")).toBeVisible();
  await page.getByTestId("close-campaign").click();
  const confirm = page.getByRole("alertdialog");
  await confirm.getByRole("textbox").fill("close");
  await confirm.getByRole("button", { name: "Close campaign" }).click();
  await expect(page.getByTestId("remediation-detail").first()).toBeVisible();
  return new URL(page.url()).pathname;
}
