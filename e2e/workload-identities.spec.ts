import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { accountOf } from "./support/accounts";
import { auditEvents, createAgent, findUser } from "./support/db";
import { OIDC_ISSUER } from "./support/sso";

// Settings → Identity providers → a workload issuer's rules: which workload JWTs (sub and required claims) act as
// which autonomous agent. The spec trusts an issuer of its own and registers an agent of its own, so no other spec's
// data changes.
test("an admin adds a workload rule mapping a workload issuer's JWTs to an agent, and removes it", async ({ page }) => {
  // A first render of a cold production server can be slow on a busy machine.
  test.setTimeout(150_000);
  const tag = randomUUID().slice(0, 8);
  const name = `Cluster ${tag}`;
  const issuer = `${OIDC_ISSUER}/workload-${tag}`;
  const agentName = `wl-bot-${tag}`;
  const subject = `system:serviceaccount:ops:triage-${tag}`;
  const owner = findUser(accountOf("admin"));
  if (!owner) throw new Error("the demo admin is missing");
  const agentId = createAgent(agentName, owner.id);
  const since = Date.now();

  await page.goto("/settings/identity-providers");
  await expect(page.getByRole("heading", { name: /^Identity providers/ })).toBeVisible({ timeout: 30_000 });
  const dialog = page.getByRole("dialog");
  // Until the page has hydrated a click does nothing: retry until the dialog opens.
  await expect(async () => {
    await page.getByTestId("add-idp").first().click();
    await expect(dialog).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 60_000 });
  await dialog.getByTestId("idp-name").fill(name);
  await dialog.getByTestId("idp-issuer").fill(issuer);
  await dialog.getByTestId("idp-role-enterprise_idp").uncheck();
  await dialog.getByTestId("idp-role-workload_issuer").check();
  await dialog.getByTestId("idp-key-source").selectOption("jwks_uri");
  await dialog.getByTestId("idp-jwks-uri").fill(`${OIDC_ISSUER}/jwks`);
  await dialog.getByTestId("save-idp").click();
  await expect(dialog).toBeHidden();

  const row = page.getByTestId("data-table-row").filter({ hasText: name });
  await expect(row.getByTestId("idp-workloads")).toHaveText("0 workload rules");
  await row.getByTestId("idp-workloads").click();
  const rules = page.getByTestId("idp-workloads-dialog");
  await expect(rules).toContainText("No rule yet");

  // Validation at the edge: a claim line without "=" is refused with its line, and nothing is stored.
  await rules.getByTestId("idp-workload-agent").selectOption(agentId);
  await rules.getByTestId("idp-workload-subject").fill(subject);
  await rules.getByTestId("idp-workload-claims").fill("kubernetes.io/namespace=ops\nnot a claim");
  await rules.getByTestId("add-idp-workload-rule").click();
  await expect(rules.getByText("Line 2: write each claim as name=value")).toBeVisible();
  await expect(rules.getByTestId("idp-workload-rule")).toHaveCount(0);

  await rules.getByTestId("idp-workload-claims").fill("kubernetes.io/namespace=ops");
  await rules.getByTestId("add-idp-workload-rule").click();
  const rule = rules.getByTestId("idp-workload-rule");
  await expect(rule).toHaveCount(1);
  await expect(rule).toContainText(subject);
  await expect(rule).toContainText(agentName);
  await expect(rule).toContainText("kubernetes.io/namespace = ops");
  expect(auditEvents("trusted_issuer.workload_identity_added", since)).toEqual([
    expect.objectContaining({
      targetId: agentId,
      decision: "allow",
      reason: `Workload JWTs from ${name} with sub ${subject} and the required claims act as this agent`,
    }),
  ]);

  await rule.getByTestId("remove-idp-workload-rule").click();
  await expect(rules.getByTestId("idp-workload-rule")).toHaveCount(0);
  await expect(rules).toContainText("No rule yet");
  expect(auditEvents("trusted_issuer.workload_identity_removed", since)).toEqual([
    expect.objectContaining({
      targetId: agentId,
      reason: `Workload JWTs from ${name} with sub ${subject} no longer act as this agent`,
    }),
  ]);
  await page.keyboard.press("Escape");
  await expect(rules).toBeHidden();
  await expect(row.getByTestId("idp-workloads")).toHaveText("0 workload rules");

  // Leave no trusted issuer of ours behind.
  await row.getByTestId("remove-idp").click();
  const confirm = page.getByRole("alertdialog");
  await confirm.getByRole("button", { name: "Remove identity provider" }).click();
  await expect(page.getByTestId("data-table-row").filter({ hasText: name })).toHaveCount(0);
});
