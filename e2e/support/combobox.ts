import { expect, type Locator, type Page } from "@playwright/test";

/** The open combobox's list (components/ui/combobox.tsx): one at a time. */
const openList = (page: Page) => page.locator('[data-slot="popover-content"]');

function escaped(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "i");
}

/** Clicks a combobox until its list is open (a click before hydration does nothing). */
export async function openCombobox(page: Page, combobox: Locator): Promise<Locator> {
  const list = openList(page);
  await expect(async () => {
    if (!(await list.isVisible())) await combobox.click();
    await expect(list).toBeVisible({ timeout: 2000 });
  }).toPass();
  return list;
}

/** Opens a combobox, types `search` (a name or an email) and picks the first option it matches. */
export async function pickOne(
  page: Page,
  combobox: Locator,
  search: string,
  option: string | RegExp = escaped(search),
): Promise<void> {
  const list = await openCombobox(page, combobox);
  await list.getByRole("combobox").fill(search);
  await list.getByRole("option", { name: option }).first().click();
  await expect(list).toBeHidden();
}

/** Opens a multi-select combobox and picks one option per search text, then closes it. */
export async function pickMany(page: Page, combobox: Locator, searches: string[]): Promise<void> {
  const list = await openCombobox(page, combobox);
  for (const search of searches) {
    await list.getByRole("combobox").fill(search);
    await list
      .getByRole("option", { name: escaped(search) })
      .first()
      .click();
    await expect(list.getByRole("option", { name: escaped(search) }).first()).toHaveAttribute("aria-checked", "true");
  }
  await page.keyboard.press("Escape");
  await expect(list).toBeHidden();
}
