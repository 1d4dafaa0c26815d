import { randomUUID } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { accountOf } from "./support/accounts";
import { auditEvents, findUser, rolesOf, sessionsOf } from "./support/db";
import { OIDC_ISSUER, OIDC_NAME } from "./support/sso";

// Enterprise SSO against a real OpenID provider (panva's oidc-provider, started
// by playwright.config.ts): authorization code + PKCE, its development login
// and consent pages standing in for the company's IdP.
test.use({ storageState: { cookies: [], origins: [] } });

/** From Mandate's sign-in page through the provider's login and consent, back to Mandate. */
async function signInWithSso(page: Page, login: string) {
  if (!page.url().includes("/signin")) await page.goto("/signin");
  await page.getByTestId("sso-sign-in").click();
  await expect(page).toHaveURL((url) => url.origin === OIDC_ISSUER);
  await page.locator("input[name=login]").fill(login);
  await page.locator("input[name=password]").fill("any-password-the-dev-provider-accepts");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL((url) => url.origin !== OIDC_ISSUER);
}

test("the sign-in page offers the configured provider", async ({ page }) => {
  await page.goto("/signin");
  await expect(page.getByTestId("sso-sign-in")).toHaveText(`Continue with ${OIDC_NAME}`);
});

test("a person known to Mandate signs in with SSO, matched by verified email", async ({ page }) => {
  const email = accountOf("admin");
  const admin = findUser(email)!;
  const since = Date.now();

  await page.goto("/settings");
  await expect(page).toHaveURL(
    (url) => url.pathname === "/signin" && url.searchParams.get("callbackUrl") === "/settings",
  );
  await signInWithSso(page, email);

  await expect(page).toHaveURL((url) => url.pathname === "/settings");
  await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
  await expect(page.getByTestId("nav-settings")).toBeVisible();
  await page.getByTestId("account-menu").click();
  await expect(page.getByTestId("account-roles")).toHaveText("Admin");

  const signIns = auditEvents("console.sign_in", since).filter((e) => e.actorId === admin.id);
  expect(signIns).toEqual([
    expect.objectContaining({ actorLabel: email, decision: "allow", reason: "Signed in with enterprise SSO" }),
  ]);
  expect(sessionsOf(admin.id).find((s) => s.id === signIns[0]!.targetId)).toMatchObject({ endedAt: null });
  // Still the seeded person, not a second one created for the SSO identity.
  expect(findUser(email)).toMatchObject({ id: admin.id, source: admin.source });
});

test("an SSO identity unknown to Mandate is created just in time, without console access", async ({ page }) => {
  const email = `newcomer-${randomUUID().slice(0, 8)}@acme.example`;
  expect(findUser(email)).toBeUndefined();
  const since = Date.now();

  await signInWithSso(page, email);

  await expect(page).toHaveURL((url) => url.pathname === "/signin");
  await expect(page.getByTestId("signin-notice")).toHaveText(
    "Your account has no console role. Ask a Mandate admin to grant you one.",
  );
  await page.goto("/");
  await expect(page).toHaveURL((url) => url.pathname === "/signin");
  await expect(page.getByTestId("account-menu")).toHaveCount(0);

  const person = findUser(email);
  expect(person).toMatchObject({
    source: "sso",
    active: 1,
    idpIssuer: OIDC_ISSUER,
    idpSubject: email,
    displayName: expect.stringMatching(/^Newcomer/),
  });
  expect(rolesOf(person!.id)).toEqual([]);
  expect(sessionsOf(person!.id)).toEqual([]);
  expect(auditEvents("directory.user_provisioned", since).filter((e) => e.targetId === person!.id)).toHaveLength(1);
  expect(auditEvents("console.sign_in_failed", since).filter((e) => e.actorId === person!.id)).toEqual([
    expect.objectContaining({ decision: "deny", reason: "no_console_access" }),
  ]);
});
