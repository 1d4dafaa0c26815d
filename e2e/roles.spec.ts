import { expect, test } from "@playwright/test";
import { navSections } from "@/components/console/nav-items";
import { CONSOLE_ROLES, permissionsOf, ROLE_LABELS } from "@/lib/auth/permissions";
import { ROLES, storageStateOf } from "./support/accounts";

// What each role may see is derived from the permission catalogue and the nav
// definition the console itself renders from, not from a list kept here.
const navItems = navSections.flatMap((section) => section.items);

test("every console role has a demo account", () => {
  expect([...ROLES].sort()).toEqual([...CONSOLE_ROLES].sort());
});

for (const role of ROLES) {
  const granted = permissionsOf([role]);
  const allowed = navItems.filter((item) => granted.has(item.permission));
  const denied = navItems.filter((item) => !granted.has(item.permission));

  test.describe(`as ${role}`, () => {
    test.use({ storageState: storageStateOf(role) });

    test("the sidebar shows exactly the places the role may open", async ({ page }) => {
      await page.goto("/");
      await page.getByTestId("account-menu").click();
      await expect(page.getByTestId("account-roles")).toHaveText(ROLE_LABELS[role]);
      const links = page.getByRole("navigation", { name: "Console" }).locator("[data-testid^='nav-']");
      await expect(links).toHaveCount(allowed.length);
      expect(await links.evaluateAll((els) => els.map((el) => el.getAttribute("data-testid")))).toEqual(
        allowed.map((item) => `nav-${item.slug}`),
      );
    });

    test("pages the role holds open; every other page is forbidden (403)", async ({ page }) => {
      // Allowed places over HTTP with the role's cookie (quick; the sidebar test
      // and console-pages.spec.ts render them)…
      for (const item of allowed) {
        const response = await page.request.get(item.href, { maxRedirects: 0 });
        expect(response.status(), `${role} → ${item.href}`).toBe(200);
      }
      // …and each forbidden one in the browser, as a person meets it.
      for (const item of denied) {
        const response = await page.goto(item.href);
        expect(response?.status(), `${role} → ${item.href}`).toBe(403);
        await expect(page.getByTestId("forbidden")).toBeVisible();
        await expect(page.getByTestId("account-menu")).toHaveCount(0);
      }
      if (denied.length > 0) {
        await page.getByTestId("forbidden").getByRole("link", { name: "Back to the overview" }).click();
        await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
      }
    });
  });
}

test("examples of the role matrix", async ({ playwright, baseURL }) => {
  const cases = [
    { role: "oncall", path: "/settings", status: 403 },
    { role: "reviewer", path: "/sessions", status: 403 },
    { role: "reviewer", path: "/audit", status: 403 },
    { role: "auditor", path: "/audit", status: 200 },
    { role: "auditor", path: "/settings", status: 200 },
    // Pages needing more than their place: refused by the layout, before any loading boundary streams a 200.
    { role: "auditor", path: "/servers/new", status: 403 },
    { role: "auditor", path: "/entitlements/new", status: 403 },
    { role: "reviewer", path: "/agents/new", status: 403 },
    { role: "oncall", path: "/access/scope-review", status: 403 },
    { role: "admin", path: "/servers/new", status: 200 },
  ] as const;
  for (const { role, path, status } of cases) {
    const request = await playwright.request.newContext({ baseURL, storageState: storageStateOf(role) });
    const response = await request.get(path, { maxRedirects: 0 });
    expect(response.status(), `${role} → ${path}`).toBe(status);
    await request.dispose();
  }
});
