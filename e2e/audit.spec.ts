import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import { storageStateOf } from "./support/accounts";

test.use({ storageState: storageStateOf("auditor") });

/** The event ids the timeline shows, in order (each row's time links to its detail page). */
async function idsOnPage(page: Page): Promise<string[]> {
  const hrefs = await page
    .getByTestId("audit-event-link")
    .evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
  return hrefs.map((h) => h.slice(h.lastIndexOf("/") + 1));
}

test("an auditor filters the timeline by action and decision, and opens an event", async ({ page }) => {
  await page.goto("/audit");
  await expect(page.getByRole("heading", { level: 1, name: "Audit" })).toBeVisible();
  const filters = page.getByTestId("audit-filters");
  await filters.getByLabel("Action", { exact: true }).selectOption("tool.call_refused");
  await filters.getByLabel("Decision", { exact: true }).selectOption("deny");
  await page.getByTestId("audit-filter-apply").click();
  await expect(page).toHaveURL(/action=tool\.call_refused/);
  await expect(page).toHaveURL(/decision=deny/);
  const rows = page.getByTestId("data-table-row");
  await expect(rows.first()).toBeVisible();
  const count = await rows.count();
  expect(count).toBeGreaterThan(0);
  for (let i = 0; i < count; i++) {
    await expect(rows.nth(i)).toContainText("tool.call_refused");
    await expect(rows.nth(i)).toContainText("deny");
  }
  // The filter survives paging.
  if (await page.getByTestId("page-next").count()) {
    await page.getByTestId("page-next").click();
    await expect(page).toHaveURL(/cursor=.*|decision=deny/);
    await expect(page.getByTestId("data-table-row").first()).toContainText("tool.call_refused");
  }
  await page.getByTestId("audit-event-link").first().click();
  await expect(page.getByTestId("audit-event-action")).toHaveText("tool.call_refused");
  await expect(page.getByTestId("audit-event-detail")).toContainText("Client address");
});

test("the trace of one session runs from its mint through its tool calls", async ({ page }) => {
  await page.goto("/audit?action=tool.called");
  await page.getByTestId("audit-trace-link").first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Session trace" })).toBeVisible();
  const steps = page.getByTestId("trace-event");
  await expect(steps.first()).toHaveAttribute("data-action", "token.minted");
  const actions = await steps.evaluateAll((items) => items.map((li) => li.getAttribute("data-action")));
  expect(actions).toContain("tool.called");
  await expect(page.getByTestId("trace-tool-calls")).toContainText(
    String(actions.filter((a) => a === "tool.called").length),
  );
});

test("exporting a filtered range downloads exactly the events the view shows, with progress", async ({ page }) => {
  // One session's events fit on one page, so the whole range is visible.
  await page.goto("/audit?action=tool.called");
  const sessionHref = await page.getByTestId("audit-trace-link").first().getAttribute("href");
  const session = sessionHref!.slice(sessionHref!.lastIndexOf("/") + 1);
  await page.goto(`/audit?session=${session}`);
  const inView = await idsOnPage(page);
  expect(inView.length).toBeGreaterThan(1);

  for (const format of ["jsonl", "csv", "ocsf"] as const) {
    await page.getByTestId("audit-export-format").selectOption(format);
    const download = page.waitForEvent("download");
    await page.getByTestId("audit-export-start").click();
    const file = await (await download).path();
    const text = await readFile(file, "utf8");
    const ids =
      format === "jsonl"
        ? text
            .trimEnd()
            .split("\n")
            .map((l) => (JSON.parse(l) as { id: string }).id)
        : format === "csv"
          ? text
              .trimEnd()
              .split("\n")
              .slice(1)
              .map((l) => l.slice(0, l.indexOf(",")))
          : (JSON.parse(text) as { metadata: { uid: string } }[]).map((e) => e.metadata.uid);
    expect(ids, format).toEqual(inView);
    await expect(page.getByText(`Exported ${inView.length} events`).first()).toBeVisible();
  }

  // The same range through the JSON API (SIEM pull) with the auditor's session.
  const api = await page.request.get(`/api/v1/audit/events?session=${session}&limit=500`);
  expect(api.status()).toBe(200);
  const body = (await api.json()) as { data: { id: string }[]; nextCursor: string | null };
  expect(body.data.map((e) => e.id)).toEqual(inView);
  expect(body.nextCursor).toBeNull();
});

test("the chain indicator verifies every stream", async ({ page }) => {
  await page.goto("/audit");
  await page.getByTestId("audit-chain-verify").click();
  await expect(page.getByTestId("audit-chain-summary")).toContainText("Chain intact", { timeout: 30_000 });
});

test("the charts show mints, tool calls and denials and the top denial reasons", async ({ page }) => {
  await page.goto("/audit/charts?range=30d");
  await expect(page.getByTestId("audit-activity-chart")).toBeVisible();
  await expect(page.getByTestId("audit-total-toolCalls")).not.toHaveText("0");
  await expect(page.getByTestId("audit-denial-reasons").locator("li").first()).toBeVisible();
});

test("an admin sets the audit retention period in Settings, and the change is audited", async ({ browser }) => {
  const context = await browser.newContext({ storageState: storageStateOf("admin") });
  const page = await context.newPage();
  await page.goto("/settings");
  await page.getByLabel("Keep audit events for (days)").fill("400");
  await page.getByTestId("audit-retention-save").click();
  await expect(page.getByText("Audit events are kept for 400 days")).toBeVisible();
  await page.goto("/audit?action=audit.retention_changed");
  await expect(page.getByTestId("data-table-row").first()).toContainText("admin@acme.example");
  await context.close();
});

test("filtering the trail by one agent shows its tool calls, from the timeline and from the agent's page", async ({
  page,
}) => {
  // The auditor follows a tool call's actor: the trail narrows to that agent by id.
  await page.goto("/audit?action=tool.called");
  const actor = page.getByTestId("data-table-row").first().getByTestId("audit-subject-link").first();
  const agentName = (await actor.textContent())!.trim();
  await actor.click();
  await expect(page).toHaveURL(/[?&]agent=/);
  const agentId = new URL(page.url()).searchParams.get("agent")!;
  await expect(page.getByTestId("audit-subject-filters")).toContainText(`Agent: ${agentName}`);
  // Narrowed further to tool calls, the agent filter stays, and every row is one of its calls.
  await page.getByTestId("audit-filters").getByLabel("Action", { exact: true }).selectOption("tool.called");
  await page.getByTestId("audit-filter-apply").click();
  await expect(page).toHaveURL(new RegExp(`agent=${agentId}`));
  const rows = page.getByTestId("data-table-row");
  await expect(rows.first()).toBeVisible();
  const count = await rows.count();
  for (let i = 0; i < count; i++) {
    await expect(rows.nth(i)).toContainText("tool.called");
    await expect(rows.nth(i)).toContainText(agentName);
  }
});

test.describe("as an admin", () => {
  test.use({ storageState: storageStateOf("admin") });

  test("the agent page links to the agent's audit trail, sessions and scope review, each filtered to it", async ({
    page,
  }) => {
    await page.goto("/audit?action=tool.called");
    const agentHref = await page
      .getByTestId("data-table-row")
      .first()
      .getByTestId("audit-subject-link")
      .first()
      .getAttribute("href");
    const agentId = new URLSearchParams(agentHref!.split("?")[1]).get("agent")!;
    await page.goto(`/agents/${agentId}`);
    const name = (await page.getByRole("heading", { level: 1 }).textContent())!.trim();
    await expect(page.getByTestId("agent-sessions-link")).toHaveAttribute("href", `/sessions?agentId=${agentId}`);
    await expect(page.getByTestId("agent-scope-review-link")).toHaveAttribute(
      "href",
      `/access/scope-review/${agentId}`,
    );
    await page.getByTestId("agent-audit-link").click();
    await expect(page).toHaveURL(new RegExp(`/audit\\?agent=${agentId}`));
    await expect(page.getByTestId("audit-subject-filters")).toContainText(`Agent: ${name}`);
    // Its tool calls are in its trail (the gateway's events name the agent by id and name).
    await page.goto(`/audit?agent=${agentId}&action=tool.called`);
    await expect(page.getByTestId("data-table-row").first()).toContainText("tool.called");
    await expect(page.getByTestId("data-table-row").first()).toContainText(name);
  });
});
