import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { auditEvents } from "./support/db";
import { OIDC_ISSUER } from "./support/sso";

// Settings → Identity providers against a real OpenID provider (the one the SSO
// specs use, started by playwright.config.ts): Mandate fetches its published keys.
test("an admin adds an identity provider, tests its keys, records an agent's client id there, and removes it", async ({
  page,
}) => {
  // A first render of a cold production server can be slow on a busy machine.
  test.setTimeout(150_000);
  const tag = randomUUID().slice(0, 8);
  const name = `Okta ${tag}`;
  // A made-up issuer of our own keeps the spec independent of whatever the demo data trusts; its keys are the provider's.
  const issuer = `${OIDC_ISSUER}/e2e-${tag}`;
  const since = Date.now();

  await page.goto("/settings");
  await page.getByTestId("settings-nav-identity-providers").click();
  await expect(page.getByRole("heading", { name: /^Identity providers/ })).toBeVisible({ timeout: 30_000 });

  const dialog = page.getByRole("dialog");
  // Until the page has hydrated a click does nothing: retry until the dialog opens.
  await expect(async () => {
    await page.getByTestId("add-idp").first().click();
    await expect(dialog).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 60_000 });
  await dialog.getByTestId("idp-name").fill(name);
  await dialog.getByTestId("idp-issuer").fill(issuer);
  await dialog.getByTestId("idp-role-id_jag_issuer").check();
  // Discovery needs the issuer's own metadata, which this made-up issuer has not: the form says so and nothing is saved.
  await dialog.getByTestId("save-idp").click();
  await expect(dialog.getByText(/No OpenID Connect or RFC 8414 metadata found/)).toBeVisible();

  await dialog.getByTestId("idp-key-source").selectOption("jwks_uri");
  await dialog.getByTestId("idp-jwks-uri").fill(`${OIDC_ISSUER}/jwks`);
  await dialog.getByTestId("save-idp").click();
  await expect(dialog).toBeHidden();

  const row = page.getByTestId("data-table-row").filter({ hasText: name });
  await expect(row).toContainText(issuer);
  await expect(row).toContainText("Enterprise IdP");
  await expect(row).toContainText("ID-JAG issuer");
  await expect(row).toContainText(`${OIDC_ISSUER}/jwks`);

  await row.getByTestId("test-idp").click();
  const keys = page.getByTestId("idp-keys-dialog");
  await expect(keys).toContainText(`from ${OIDC_ISSUER}/jwks`);
  await expect(keys.getByTestId("idp-key").first()).toBeVisible();
  await keys.getByRole("button", { name: "Close" }).first().click();
  await expect(keys).toBeHidden();

  await row.getByTestId("idp-agents").click();
  const agents = page.getByTestId("idp-agents-dialog");
  await expect(agents).toContainText("No agent's client id is recorded");
  const prReviewer = await agents.locator("option", { hasText: "PR Reviewer" }).getAttribute("value");
  await agents.getByTestId("idp-agent-select").selectOption(prReviewer ?? "");
  await agents.getByTestId("idp-agent-client-id").fill(`0oa-${tag}`);
  await agents.getByTestId("add-idp-agent-client").click();
  await expect(agents).toBeHidden();
  await expect(row.getByTestId("idp-agents")).toHaveText("1 agent");

  expect(auditEvents("trusted_issuer.added", since)).toEqual([
    expect.objectContaining({ decision: "allow", reason: `Trusted ${issuer} as enterprise_idp, id_jag_issuer` }),
  ]);
  expect(auditEvents("trusted_issuer.agent_client_added", since)).toHaveLength(1);

  await row.getByTestId("remove-idp").click();
  const confirm = page.getByRole("alertdialog");
  await confirm.getByRole("button", { name: "Remove identity provider" }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByTestId("data-table-row").filter({ hasText: name })).toHaveCount(0);
  expect(auditEvents("trusted_issuer.removed", since)).toEqual([
    expect.objectContaining({ reason: `No longer trusting ${issuer}` }),
  ]);
});
