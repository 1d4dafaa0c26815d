import { expect, test as setup } from "@playwright/test";
import { accountOf, ROLES, signIn, storageStateOf } from "./support/accounts";

// One signed-in browser state per demo role, reused by the specs.
for (const role of ROLES) {
  setup(`sign in as ${role}`, async ({ page }) => {
    await signIn(page, accountOf(role));
    await expect(page.getByTestId("account-menu")).toBeVisible();
    await page.context().storageState({ path: storageStateOf(role) });
  });
}
