import { expect, test, type Page } from "@playwright/test";
import { storageStateOf } from "./support/accounts";
import { auditEvents } from "./support/db";

interface Jwks {
  keys: { kid: string }[];
}

async function publishedKids(page: Page): Promise<string[]> {
  const res = await page.request.get("/oauth/jwks");
  expect(res.status()).toBe(200);
  return ((await res.json()) as Jwks).keys.map((k) => k.kid).sort();
}

/** The kid of the table row with this status (each status word appears in its own row only). */
async function kidWithStatus(page: Page, status: "next" | "active" | "retiring"): Promise<string> {
  const row = page.getByTestId("data-table-row").filter({ hasText: status });
  await expect(row).toHaveCount(1);
  return (await row.getByTestId("signing-key-kid").textContent()) ?? "";
}

test("an admin rotates the signing keys: next starts signing, the old key stays published, a new next key appears in the JWKS", async ({
  page,
}) => {
  // The token service creates its first keys (active + next) when first asked for them.
  const initial = await publishedKids(page);
  expect(initial).toHaveLength(2);
  const since = Date.now();

  await page.goto("/settings");
  await page.getByTestId("settings-nav-signing-keys").click();
  // A first render can be slow on a busy machine.
  await expect(page.getByRole("heading", { name: "Signing keys" })).toBeVisible({ timeout: 30_000 });
  const oldActive = await kidWithStatus(page, "active");
  const oldNext = await kidWithStatus(page, "next");
  expect([oldActive, oldNext].sort()).toEqual(initial);

  await page.getByTestId("rotate-signing-keys").click();
  const confirm = page.getByRole("alertdialog");
  await expect(confirm).toContainText("stays in the JWKS until the last token it signed has expired");
  await confirm.getByRole("button", { name: "Rotate keys" }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByText(`Key ${oldNext} now signs`)).toBeVisible();

  // The published next key signs now; the old one is retiring; a fresh next key exists.
  await expect.poll(() => kidWithStatus(page, "active")).toBe(oldNext);
  expect(await kidWithStatus(page, "retiring")).toBe(oldActive);
  const newNext = await kidWithStatus(page, "next");
  expect([oldActive, oldNext]).not.toContain(newNext);

  // The protocol server re-reads the key table every few seconds: the JWKS then
  // carries the new next key, and still the retiring one.
  await expect.poll(() => publishedKids(page), { timeout: 30_000 }).toEqual([oldActive, oldNext, newNext].sort());

  // Audited, with the person who asked.
  const activated = auditEvents("key.activated", since);
  expect(activated).toHaveLength(1);
  expect(activated[0]).toMatchObject({ actorType: "user", actorLabel: "admin@acme.example", targetId: oldNext });
  expect(auditEvents("key.created", since).map((e) => e.targetId)).toEqual([newNext]);
});

test.describe("as auditor", () => {
  test.use({ storageState: storageStateOf("auditor") });

  test("the signing keys are visible, the rotation control is not", async ({ page }) => {
    await page.goto("/settings/signing-keys");
    await expect(page.getByRole("heading", { name: "Signing keys" })).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId("data-table-row").first()).toBeVisible();
    await expect(page.getByTestId("rotate-signing-keys")).toHaveCount(0);
  });
});
