import { expect, test } from "@playwright/test";
import { parse, stringify } from "yaml";

interface PolicyDoc {
  servers: { name: string; tools?: { name: string; status: string }[] }[];
  agents: { name: string; owner?: string; status: string }[];
  entitlements: Record<string, unknown>[];
  assignments: Record<string, unknown>[];
}

test.describe("policy as code", () => {
  const stamp = Date.now().toString(36);
  const entitlementName = `Policy e2e ${stamp}`;

  test("export, plan a file that adds an entitlement and an assignment, apply it", async ({ page }) => {
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));

    await page.goto("/settings");
    await page.getByTestId("settings-nav-policy").click();
    await expect(page).toHaveURL(/\/settings\/policy$/);

    // The export: downloadable, and readable on the page.
    const download = page.getByTestId("policy-download");
    await expect(download).toHaveAttribute("download", "mandate-policy.yaml");
    await page.getByText("Show the export").click();
    const exported = (await page.getByTestId("policy-export").textContent()) ?? "";
    expect(exported).toContain("servers:");

    // The same file plus one entitlement (an approved tool of some server) and its grant to an active agent
    // the admin does not own (separation of duties would refuse that).
    const doc = parse(exported) as PolicyDoc;
    const server = doc.servers.find((s) => s.tools?.some((t) => t.status === "approved"))!;
    const tool = server.tools!.find((t) => t.status === "approved")!;
    const agent = doc.agents.find((a) => a.status === "active" && a.owner !== "admin@acme.example")!;
    doc.entitlements.push({ name: entitlementName, server: server.name, tools: [tool.name] });
    doc.assignments.push({
      entitlement: entitlementName,
      agent: agent.name,
      justification: "Added through the policy page in e2e",
    });

    const editor = page.getByTestId("policy-editor");
    await editor.fill(stringify(doc, { lineWidth: 0 }));
    await page.getByRole("button", { name: "Plan" }).click();
    const plan = page.getByTestId("policy-plan");
    await expect(plan).toBeVisible();
    await expect(plan.getByRole("listitem")).toHaveCount(2);
    await expect(plan).toContainText(`+ entitlement ${entitlementName}`);
    await expect(plan).toContainText(`+ assignment ${entitlementName} → agent ${agent.name}`);

    await page.getByRole("button", { name: "Apply", exact: true }).click();
    const confirm = page.getByRole("alertdialog");
    await expect(confirm).toContainText("2 change(s)");
    await confirm.getByRole("button", { name: "Apply" }).click();
    await expect(confirm).toBeHidden();
    await expect(page.getByText("Applied 2 change(s)")).toBeVisible();

    // Planning the same file again: nothing left to do.
    await page.getByRole("button", { name: "Plan" }).click();
    await expect(page.getByTestId("policy-no-changes")).toBeVisible();

    await page.goto(`/entitlements?q=${encodeURIComponent(entitlementName)}`);
    await expect(page.getByTestId("data-table-row").filter({ hasText: entitlementName })).toBeVisible();
    expect(errors).toEqual([]);
  });

  test("a malformed file is refused with its line number", async ({ page }) => {
    await page.goto("/settings/policy");
    await page.getByTestId("policy-editor").fill("version: 1\nservers:\n  - name: GitHub\n    mode: [gateway\n");
    await page.getByRole("button", { name: "Plan" }).click();
    const issues = page.getByTestId("policy-issues");
    await expect(issues).toBeVisible();
    await expect(issues).toContainText(/Line \d+/);
    await expect(issues).toContainText("Malformed YAML");
    await expect(page.getByRole("button", { name: "Apply", exact: true })).toBeDisabled();
  });
});
