import { randomUUID } from "node:crypto";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { signIn } from "./support/accounts";
import {
  agentOwner,
  apiKeyRevokedAt,
  auditEvents,
  createAgent,
  createLocalAccount,
  createScimToken,
  findUser,
} from "./support/db";
import { pickOne } from "./support/combobox";

// Several server round trips per flow (console pages, SCIM, a second admin signing in).
test.describe.configure({ timeout: 180_000 });

const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";

/** A second admin of this spec's own, signed in in a fresh browser context. */
async function secondAdmin(
  browser: Browser,
  label: string,
): Promise<{ page: Page; close: () => Promise<void>; email: string; id: string }> {
  const account = createLocalAccount(label, "admin");
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await signIn(page, account.email);
  await expect(page.getByTestId("account-menu")).toBeVisible();
  return { page, close: () => context.close(), ...account };
}

test("an admin who granted an agent cannot make themselves its owner: the agent form says why", async ({ page }) => {
  const tag = randomUUID().slice(0, 8);
  const reviewer = findUser("reviewer@acme.example")!;
  const agentId = createAgent(`sod-owner-bot-${tag}`, reviewer.id);

  await page.goto(`/agents/${agentId}`);
  await page.getByRole("button", { name: "Assign entitlement" }).click();
  const assign = page.getByTestId("assign-dialog");
  await assign.getByLabel("Entitlement").selectOption({ index: 1 });
  await assign.getByLabel("Justification").fill("Needed to produce the weekly digest");
  await page.getByTestId("assign-submit").click();
  await expect(assign).toBeHidden();
  await expect(page.getByTestId("live-assignments")).toContainText("admin@acme.example");

  await page.getByRole("button", { name: "Edit" }).click();
  const admin = findUser("admin@acme.example")!;
  await pickOne(page, page.getByLabel("Owner"), admin.email);
  await page.getByRole("button", { name: "Save" }).click();
  const owner = page.getByLabel("Owner");
  await expect(owner).toHaveAttribute("aria-invalid", "true");
  await expect(
    page.getByText(/You granted this agent “.+”: whoever grants an agent access cannot own it/),
  ).toBeVisible();
  expect(agentOwner(agentId)).toBe(reviewer.id);
});

test("the IdP adding the granting admin to a group ends the group's grant, flagged until a second admin grants it again", async ({
  page,
  request,
  browser,
}) => {
  const started = Date.now();
  const tag = randomUUID().slice(0, 8);
  const token = createScimToken(`Okta ${tag}`);
  const scim = (method: "post" | "patch", path: string, data: unknown) =>
    request[method](`/scim/v2${path}`, {
      headers: { authorization: `Bearer ${token}`, "content-type": "application/scim+json" },
      data: JSON.stringify(data),
    });
  const groupName = `SoD readers ${tag}`;
  const reviewer = findUser("reviewer@acme.example")!;
  const created = await scim("post", "/Groups", {
    schemas: [GROUP],
    displayName: groupName,
    members: [{ value: reviewer.id }],
  });
  expect(created.status()).toBe(201);
  const groupId = String(((await created.json()) as { id: string }).id);

  // The demo admin grants the group an entitlement: allowed, they are not in it.
  await page.goto("/entitlements");
  await page.getByTestId("data-table-row").first().getByRole("link").first().click();
  // Read the heading once the entitlement's own page is there, not the list's ("Entitlements").
  await expect(page).toHaveURL(/\/entitlements\/(?!assignments)[^/?]+$/);
  await expect(page.getByTestId("assign-open")).toBeVisible();
  const entitlementName = (await page.getByRole("heading", { level: 1 }).innerText()).trim();
  await page.getByTestId("assign-open").click();
  const dialog = page.getByTestId("assign-dialog");
  await dialog.getByLabel("Assign to").selectOption("group");
  await dialog.getByLabel("Search groups").fill(groupName);
  await dialog.getByRole("radio", { name: new RegExp(groupName) }).check();
  await dialog.getByLabel("Justification").fill("Readers need the docs during escalations");
  await page.getByTestId("assign-submit").click();
  await expect(dialog).toBeHidden();

  // Then the IdP makes them a member: accepted (the IdP decides), and the grant ends, flagged.
  const admin = findUser("admin@acme.example")!;
  const joined = await scim("patch", `/Groups/${groupId}`, {
    schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    Operations: [{ op: "add", path: "members", value: [{ value: admin.id }] }],
  });
  expect(joined.status()).toBe(204);

  await page.goto("/entitlements/assignments");
  const conflicts = page.getByTestId("separation-conflicts");
  await expect(conflicts).toBeVisible();
  const row = conflicts.getByTestId("separation-conflict-row").filter({ hasText: groupName });
  await expect(row).toContainText(entitlementName);
  await expect(row).toContainText(`admin@acme.example granted this access to ${groupName} and then joined it via scim`);
  expect(auditEvents("assignment.separation_conflict", started)).toHaveLength(1);

  // The admin who made it cannot grant it again: they are in the group now.
  await row.getByTestId("grant-again").click();
  const mine = page.getByRole("alertdialog");
  await mine.getByLabel("Justification").fill("Still needed by the readers");
  await mine.getByRole("button", { name: "Grant again" }).click();
  await expect(mine).toContainText("You are a member of this group");
  await mine.getByRole("button", { name: "Cancel" }).click();

  const second = await secondAdmin(browser, "sod-regrant");
  await second.page.goto("/entitlements/assignments");
  const theirRow = second.page.getByTestId("separation-conflict-row").filter({ hasText: groupName });
  await theirRow.getByTestId("grant-again").click();
  const theirs = second.page.getByRole("alertdialog");
  await theirs.getByLabel("Justification").fill("Still needed by the readers, confirmed");
  await theirs.getByRole("button", { name: "Grant again" }).click();
  await expect(second.page.getByText("Access granted again")).toBeVisible();
  await expect(second.page.getByTestId("separation-conflict-row").filter({ hasText: groupName })).toHaveCount(0);
  await second.page.goto(`/entitlements/assignments?principalType=group&q=${encodeURIComponent(groupName)}`);
  await expect(second.page.getByRole("row").filter({ hasText: groupName })).toContainText(second.email);
  await second.close();
});

test("deactivating the holder of an API key revokes it: the JSON API refuses it and Settings shows it revoked", async ({
  page,
  request,
  browser,
}) => {
  const tag = randomUUID().slice(0, 8);
  const keyName = `SoD automation ${tag}`;
  const holder = await secondAdmin(browser, "sod-key-holder");
  await holder.page.goto("/settings/api-keys");
  await holder.page.getByTestId("create-api-key").first().click();
  await holder.page.getByTestId("api-key-name").fill(keyName);
  await holder.page.getByTestId("api-key-role").selectOption("admin");
  await holder.page.getByTestId("submit-api-key").click();
  const secret = holder.page.getByTestId("api-key-secret");
  await expect(secret).toHaveValue(/^mdt_/);
  const key = await secret.inputValue();
  await holder.page.getByTestId("close-secret-dialog").click();
  await holder.close();
  const me = () => request.get("/api/v1/me", { headers: { authorization: `Bearer ${key}` } });
  expect((await me()).status()).toBe(200);

  await page.goto(`/directory/people?q=${encodeURIComponent(holder.email)}`);
  const row = page.getByRole("row", { name: new RegExp(holder.email.replace(/\./g, "\\.")) });
  await row.getByTestId("deactivate-person").click();
  await page.getByLabel("Reason").fill("Left the company (e2e)");
  await page.getByRole("button", { name: "Deactivate" }).click();
  await expect(row.getByText("deactivated")).toBeVisible();

  expect((await me()).status()).toBe(401);
  expect(apiKeyRevokedAt(keyName)).not.toBeNull();
  await page.goto("/settings/api-keys");
  const keyRow = page.getByRole("row").filter({ hasText: keyName });
  await expect(keyRow).toContainText("revoked");
  await expect(keyRow).toContainText(holder.email);
});
