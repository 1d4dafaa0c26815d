import { expect, test, type Page } from "@playwright/test";
import { z } from "zod";
import { startMcpTestServer, type McpTestServer, type TestTool } from "../tests/support/mcp-test-server";
import { storageStateOf } from "./support/accounts";

const TOKEN = "e2e-upstream-token";
const TOOLS: TestTool[] = [
  {
    name: "list_builds",
    title: "List builds",
    description: "Recent builds",
    input: { branch: z.string() },
    annotations: { readOnlyHint: true },
  },
  { name: "trigger_build", description: "Start a build", input: { branch: z.string() } },
  {
    name: "delete_artifact",
    description: "Delete an artifact",
    input: { id: z.string() },
    annotations: { destructiveHint: true },
  },
];

const toolRow = (page: Page, name: string) =>
  page.getByRole("row").filter({ has: page.getByText(name, { exact: true }) });

test.describe("MCP servers", () => {
  let upstream: McpTestServer;

  test.beforeAll(async () => {
    // A real MCP server (the SDK's), reached by the Mandate server process over loopback.
    upstream = await startMcpTestServer({ tools: TOOLS, pageSize: 2, requireBearer: TOKEN });
  });

  test.afterAll(async () => {
    await upstream?.close();
  });

  test("register a gateway server, import its tools, approve one and see a re-sync's diff", async ({ page }) => {
    // A dozen round trips, now with the approval's confirmation, on a shared machine.
    test.slow();
    const name = `CI Builds ${Date.now()}`;
    await page.goto("/servers");
    await page.getByTestId("register-server").click();
    await expect(page.getByRole("heading", { level: 1, name: "Register MCP server" })).toBeVisible();

    // Invalid input is refused at the fields, with the schema's own words.
    await page.getByLabel("Enforcement").selectOption("gateway");
    await page.getByLabel(/^Name/).fill("GitHub Enterprise");
    await page.getByLabel("Resource URI").fill("not a url");
    await page.getByTestId("server-form-submit").click();
    await expect(page.getByText("Enter an absolute URL starting with https:// or http://")).toBeVisible();
    await expect(page.getByText("A gateway server needs the upstream URL Mandate forwards calls to")).toBeVisible();
    await expect(page.getByLabel("Resource URI")).toHaveAttribute("aria-invalid", "true");

    // A gateway server's resource URI is its gateway URL (RFC 9728 §3.3): any other is refused, naming the one to use.
    await page.getByLabel("Resource URI").fill("https://mcp.acme.example/wiki");
    await page.getByLabel("Upstream URL").fill(upstream.url);
    await page.getByLabel("Upstream credential").fill(TOKEN);
    await page.getByTestId("server-form-submit").click();
    const gatewayUrl = new URL("/mcp/github-enterprise", page.url()).href;
    await expect(
      page.getByText(`A gateway server's resource URI is its gateway URL, ${gatewayUrl}:`, { exact: false }),
    ).toBeVisible();

    // Left empty it is derived; a duplicate name is refused at the name field once the rest is valid.
    await page.getByLabel("Resource URI").fill("");
    await page.getByLabel("Upstream credential").fill(TOKEN);
    await page.getByTestId("server-form-submit").click();
    await expect(page.getByText("A server named “GitHub Enterprise” is already registered")).toBeVisible();

    await page.getByLabel(/^Name/).fill(name);
    await page.getByLabel("Upstream credential").fill(TOKEN);
    await page.getByTestId("server-form-submit").click();
    await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
    await expect(page.getByTestId("credential-state")).toHaveText("Stored, encrypted");
    const slug = name.toLowerCase().replace(/ /g, "-");
    await expect(page.getByTestId("gateway-url")).toHaveText(new URL(`/mcp/${slug}`, page.url()).href);
    await expect(page.getByTestId("server-settings")).toContainText(
      `Resource URI${new URL(`/mcp/${slug}`, page.url()).href}`,
    );
    // The credential never comes back to the browser.
    expect(await page.content()).not.toContain(TOKEN);

    // Import: every tool arrives pending, risk suggested from its annotations.
    await page.getByTestId("sync-tools").click();
    const dialog = page.getByTestId("sync-result");
    await expect(dialog.getByTestId("sync-added")).toHaveText("list_builds, trigger_build, delete_artifact");
    await dialog.getByRole("button", { name: "Done" }).click();
    for (const tool of ["list_builds", "trigger_build", "delete_artifact"]) {
      await expect(toolRow(page, tool)).toContainText("pending");
      await expect(toolRow(page, tool)).toHaveAttribute("data-state", "attention");
    }
    await expect(toolRow(page, "list_builds")).toContainText("read");
    await expect(toolRow(page, "delete_artifact")).toContainText("destructive");
    await expect(toolRow(page, "trigger_build")).toContainText(/ci-builds-\d+:trigger_build/);

    // Approve one.
    // Approving now opens a confirmation (a click before hydration opens nothing: retry until it shows).
    await expect(async () => {
      await page.getByRole("button", { name: "Approve list_builds" }).click();
      await expect(page.getByTestId("confirm-approve")).toBeVisible({ timeout: 2000 });
    }).toPass();
    await page.getByTestId("confirm-approve").click();
    await expect(toolRow(page, "list_builds")).toContainText("approved");
    await expect(toolRow(page, "list_builds")).not.toHaveAttribute("data-state", "attention");
    await page.getByTestId("tool-filter-approved").click();
    await expect(page.getByRole("row")).toHaveCount(2);
    await page.getByTestId("tool-filter-all").click();

    // The server adds a tool and drops another: the re-sync shows the diff.
    upstream.setTools([
      ...TOOLS.filter((t) => t.name !== "delete_artifact"),
      { name: "cancel_build", description: "Cancel a build", input: { id: z.string() } },
    ]);
    await page.getByTestId("sync-tools").click();
    await expect(dialog.getByTestId("sync-added")).toHaveText("cancel_build");
    await expect(dialog.getByTestId("sync-removed")).toHaveText("delete_artifact");
    await expect(dialog.getByTestId("sync-unchanged")).toHaveText("2");
    await dialog.getByRole("button", { name: "Done" }).click();
    await expect(toolRow(page, "cancel_build")).toContainText("pending");
    await expect(toolRow(page, "delete_artifact")).toContainText("removed");
    await expect(toolRow(page, "list_builds")).toContainText("approved");

    // A tool's scope is edited in a dialog: a bad one is refused at its field, a good one saved.
    await toolRow(page, "trigger_build").getByRole("button", { name: "Edit trigger_build" }).click();
    const edit = page.getByRole("dialog");
    await edit.getByLabel("Scope").fill("two words");
    await edit.getByRole("button", { name: "Save" }).click();
    await expect(
      edit.getByText("A scope is one word of printable characters, without spaces, quotes or backslashes"),
    ).toBeVisible();
    await edit.getByLabel("Scope").fill("builds:trigger");
    await edit.getByRole("button", { name: "Save" }).click();
    await expect(page.getByText("Saved trigger_build")).toBeVisible();
    await expect(edit).toHaveCount(0);
    await expect(toolRow(page, "trigger_build")).toContainText("builds:trigger");
  });

  test("deleting a server takes a typed confirmation and is refused while entitlements use it", async ({ page }) => {
    await page.goto("/servers?q=GitHub");
    await page.getByRole("link", { name: "GitHub Enterprise", exact: true }).click();
    await page.getByTestId("delete-server").click();
    const confirm = page.getByRole("alertdialog");
    await expect(confirm.getByRole("button", { name: "Delete server" })).toBeDisabled();
    await confirm.getByRole("textbox").fill("GitHub Enterprise");
    await confirm.getByRole("button", { name: "Delete server" }).click();
    await expect(page.getByText(/GitHub Enterprise cannot be deleted: .*entitlement/)).toBeVisible();
    await expect(confirm).toBeVisible();
  });
});

test.describe("MCP servers as an auditor", () => {
  test.use({ storageState: storageStateOf("auditor") });

  test("sees servers but no register, sync or approve controls", async ({ page }) => {
    await page.goto("/servers");
    await expect(page.getByRole("heading", { level: 1, name: "MCP servers" })).toBeVisible();
    await expect(page.getByTestId("register-server")).toHaveCount(0);
    await page.getByRole("link", { name: "GitHub Enterprise", exact: true }).click();
    await expect(page.getByTestId("server-settings")).toBeVisible();
    await expect(page.getByTestId("sync-tools")).toHaveCount(0);
    await expect(page.getByRole("button", { name: /^Approve / })).toHaveCount(0);
    const refused = await page.goto("/servers/new");
    expect(refused?.status()).toBe(403);
    await expect(page.getByTestId("forbidden")).toBeVisible();
    await expect(page.getByTestId("server-form")).toHaveCount(0);
  });
});
