import { expect, test } from "@playwright/test";

const PAGES = [
  { nav: "overview", path: "/", heading: "Overview" },
  { nav: "agents", path: "/agents", heading: "Agents" },
  { nav: "servers", path: "/servers", heading: "MCP servers" },
  { nav: "entitlements", path: "/entitlements", heading: "Entitlements" },
  { nav: "sessions", path: "/sessions", heading: "Sessions" },
  { nav: "reviews", path: "/reviews", heading: "Reviews" },
  { nav: "audit", path: "/audit", heading: "Audit" },
  { nav: "settings", path: "/settings", heading: "Settings" },
] as const;

test.describe("console shell", () => {
  // Every page's own render (as every role, with axe-core) is e2e/layout-and-accessibility.spec.ts;
  // this walks the sidebar itself, as a person would.
  test("the sidebar reaches every page and marks the current one", async ({ page }) => {
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto("/");
    for (const { nav, heading } of PAGES) {
      await page.getByTestId(`nav-${nav}`).click();
      await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
      await expect(page.getByTestId(`nav-${nav}`)).toHaveAttribute("aria-current", "page");
    }
    expect(errors).toEqual([]);
  });

  test("lists show the demo enterprise", async ({ page }) => {
    await page.goto("/agents");
    await expect(page.getByRole("cell", { name: "Release Captain" })).toBeVisible();
    await page.goto("/servers");
    await expect(page.getByRole("cell", { name: "GitHub Enterprise", exact: true })).toBeVisible();
    await page.goto("/audit");
    await expect(page.getByRole("row").nth(1)).toBeVisible();
  });

  test("search narrows a list and an unmatched search shows the empty state", async ({ page }) => {
    await page.goto("/agents?q=Invoice");
    await expect(page.getByRole("cell", { name: "Invoice Matcher" })).toBeVisible();
    await expect(page.getByRole("cell", { name: "Release Captain" })).toHaveCount(0);
    await page.goto("/agents?q=no-such-agent-anywhere");
    await expect(page.getByTestId("empty-state")).toBeVisible();
  });

  test("keyset pagination moves to the next page of audit events and back", async ({ page }) => {
    await page.goto("/audit");
    const firstRow = await page.getByRole("row").nth(1).innerText();
    await page.getByRole("link", { name: /next/i }).click();
    await expect(page).toHaveURL(/cursor=/);
    await expect(page.getByRole("row").nth(1)).not.toHaveText(firstRow, { useInnerText: true });
    await page.getByRole("link", { name: /previous/i }).click();
    await expect(page.getByRole("row").nth(1)).toHaveText(firstRow, { useInnerText: true });
  });
});
