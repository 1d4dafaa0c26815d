import { expect, test, type Browser, type BrowserContextOptions, type Page } from "@playwright/test";
import { consoleSessionPolicy } from "@/lib/auth/console-session-policy";
import { signInLimits } from "@/lib/auth/sign-in-limits";
import { accountOf, signIn } from "./support/accounts";
import {
  auditEvents,
  createLocalAccount,
  sessionById,
  sessionsOf,
  updateSession,
  type ConsoleSessionRow,
} from "./support/db";

// Signed out unless a test signs in itself. Accounts that a test locks out,
// signs out everywhere or moves the clock of are its own (support/db.ts), so
// the shared demo sessions stay valid for the other specs.
test.use({ storageState: { cookies: [], origins: [] } });

const MINUTE = 60_000;
// The same environment Playwright hands the e2e server (scripts/e2e-server.sh).
const policy = consoleSessionPolicy();
const limits = signInLimits();

const fieldError = (page: Page) => page.locator("[data-slot=form-field-error]");

async function expectSignedIn(page: Page) {
  await expect(page.getByTestId("account-menu")).toBeVisible();
}

/** Lands on the sign-in page, sent there by the console (callbackUrl = where it came from). */
async function expectSentToSignIn(page: Page, from: string) {
  await expect(page).toHaveURL((url) => url.pathname === "/signin");
  expect(new URL(page.url()).searchParams.get("callbackUrl")).toBe(from);
  await expect(page.getByTestId("password-sign-in")).toBeVisible();
  await expect(page.getByTestId("account-menu")).toHaveCount(0);
}

/** The one console session the account holds (it signed in once). */
function onlySession(userId: string): ConsoleSessionRow {
  const sessions = sessionsOf(userId);
  expect(sessions).toHaveLength(1);
  return sessions[0]!;
}

async function newPage(browser: Browser, baseURL: string | undefined, options: BrowserContextOptions = {}) {
  const context = await browser.newContext({ baseURL, ...options });
  return { context, page: await context.newPage() };
}

test.describe("console sign-in", () => {
  test("a signed-out visitor signs in and is returned to the page they asked for", async ({ page }) => {
    const since = Date.now();
    await page.goto("/agents?q=Invoice");
    await expectSentToSignIn(page, "/agents?q=Invoice");

    await signIn(page, accountOf("reviewer"));
    await expect(page).toHaveURL((url) => url.pathname === "/agents" && url.searchParams.get("q") === "Invoice");
    await expect(page.getByRole("cell", { name: "Invoice Matcher" })).toBeVisible();
    await expectSignedIn(page);

    const signIns = auditEvents("console.sign_in", since).filter((e) => e.actorLabel === accountOf("reviewer"));
    expect(signIns).toEqual([
      expect.objectContaining({
        decision: "allow",
        targetType: "console_session",
        reason: "Signed in with a local account",
        clientAddress: "127.0.0.1",
      }),
    ]);
  });

  test("a wrong password is refused, stays signed out and is audited", async ({ page }) => {
    const account = createLocalAccount("wrong-password", "auditor");
    const since = Date.now();
    await page.goto("/signin");
    await signIn(page, account.email, "not-the-password");
    await expect(fieldError(page)).toHaveText("Wrong email or password.");
    await expect(page).toHaveURL((url) => url.pathname === "/signin");

    await page.goto("/audit");
    await expectSentToSignIn(page, "/audit");
    expect(sessionsOf(account.id)).toEqual([]);
    expect(auditEvents("console.sign_in_failed", since).filter((e) => e.actorLabel === account.email)).toEqual([
      expect.objectContaining({
        actorId: account.id,
        decision: "deny",
        reason: "invalid_credentials",
        clientAddress: "127.0.0.1",
      }),
    ]);
    expect(auditEvents("console.sign_in", since).filter((e) => e.actorLabel === account.email)).toEqual([]);
  });

  test("after too many failures from one address the account is refused there, even with the right password", async ({
    page,
  }) => {
    const account = createLocalAccount("locked-out", "auditor");
    const since = Date.now();
    const failures = () => auditEvents("console.sign_in_failed", since).filter((e) => e.actorLabel === account.email);
    await page.goto("/signin");
    for (let i = 1; i <= limits.perAccountAddress; i++) {
      await signIn(page, account.email, `wrong-password-${i}`);
      // Each attempt is answered only once its failure is on record.
      await expect.poll(() => failures().length).toBe(i);
      await expect(fieldError(page)).toHaveText("Wrong email or password.");
    }

    await signIn(page, account.email);
    await expect(fieldError(page)).toHaveText(/^Too many failed sign-ins for this account/);
    await expect(page).toHaveURL((url) => url.pathname === "/signin");
    await page.goto("/");
    await expect(page.getByTestId("account-menu")).toHaveCount(0);

    expect(sessionsOf(account.id)).toEqual([]);
    expect(failures().map((e) => e.reason)).toEqual([
      ...Array(limits.perAccountAddress).fill("invalid_credentials"),
      "rate_limited",
    ]);
  });

  test("signing out ends the session: the old cookie no longer opens the console", async ({
    page,
    browser,
    baseURL,
  }) => {
    const account = createLocalAccount("sign-out", "auditor");
    const since = Date.now();
    await signIn(page, account.email);
    await expectSignedIn(page);
    const session = onlySession(account.id);
    const cookies = await page.context().storageState();

    await page.getByTestId("account-menu").click();
    await page.getByTestId("sign-out").click();
    await expect(page).toHaveURL((url) => url.pathname === "/signin");
    await expect(page.getByTestId("password-sign-in")).toBeVisible();

    // Replaying the cookie saved while signed in: the session row has ended.
    const replay = await newPage(browser, baseURL, { storageState: cookies });
    await replay.page.goto("/audit");
    await expectSentToSignIn(replay.page, "/audit");
    await replay.context.close();

    expect(sessionById(session.id)).toMatchObject({ endedAt: expect.any(Number), endReason: "Signed out" });
    expect(auditEvents("console.sign_in", since).filter((e) => e.actorLabel === account.email)).toEqual([
      expect.objectContaining({ actorId: account.id, targetId: session.id, decision: "allow" }),
    ]);
    expect(auditEvents("console.sign_out", since).filter((e) => e.onBehalfOfId === account.id)).toEqual([
      expect.objectContaining({ actorType: "user", actorId: account.id, targetId: session.id, reason: "Signed out" }),
    ]);
  });

  test("signing out everywhere ends the sessions of other browsers too", async ({ page, browser, baseURL }) => {
    const account = createLocalAccount("everywhere", "auditor");
    const since = Date.now();
    await signIn(page, account.email);
    await expectSignedIn(page);
    const other = await newPage(browser, baseURL);
    await signIn(other.page, account.email);
    await expectSignedIn(other.page);
    expect(sessionsOf(account.id)).toHaveLength(2);

    await page.getByTestId("account-menu").click();
    await page.getByTestId("sign-out-everywhere").click();
    const dialog = page.getByRole("alertdialog", { name: "Sign out everywhere?" });
    await dialog.getByRole("button", { name: "Sign out everywhere" }).click();
    await expect(page).toHaveURL(
      (url) => url.pathname === "/signin" && url.searchParams.get("signedOut") === "everywhere",
    );
    await expect(page.getByTestId("signin-notice")).toHaveText("You are signed out on every device.");

    await other.page.goto("/audit");
    await expectSentToSignIn(other.page, "/audit");
    await other.context.close();

    for (const s of sessionsOf(account.id))
      expect(s).toMatchObject({ endedAt: expect.any(Number), endReason: "Signed out everywhere" });
    expect(auditEvents("console.sign_out", since).filter((e) => e.onBehalfOfId === account.id)).toEqual([
      expect.objectContaining({
        actorType: "user",
        actorId: account.id,
        targetType: "user",
        targetId: account.id,
        reason: "Signed out everywhere",
      }),
    ]);
  });

  test("a session idle for longer than the idle timeout ends at the next request", async ({ page }) => {
    const account = createLocalAccount("idle", "auditor");
    const since = Date.now();
    await signIn(page, account.email);
    await expectSignedIn(page);
    const session = onlySession(account.id);

    // The clock is the database row: just inside the timeout the session lives on…
    updateSession(session.id, { lastSeenAt: Date.now() - policy.idleTimeoutMs + MINUTE });
    await page.goto("/audit");
    await expectSignedIn(page);
    expect(sessionById(session.id)!.endedAt).toBeNull();

    // …and past it the next navigation is signed out.
    updateSession(session.id, { lastSeenAt: Date.now() - policy.idleTimeoutMs - MINUTE });
    await page.goto("/audit");
    await expectSentToSignIn(page, "/audit");
    expect(sessionById(session.id)).toMatchObject({ endedAt: expect.any(Number), endReason: "Idle timeout" });
    expect(auditEvents("console.sign_out", since).filter((e) => e.targetId === session.id)).toEqual([
      expect.objectContaining({ actorType: "system", onBehalfOfId: account.id, reason: "Idle timeout" }),
    ]);
  });

  test("a session ends at its absolute lifetime, however active", async ({ page }) => {
    const account = createLocalAccount("lifetime", "auditor");
    const since = Date.now();
    await signIn(page, account.email);
    await expectSignedIn(page);
    const session = onlySession(account.id);
    expect(session.expiresAt - session.createdAt).toBe(policy.absoluteLifetimeMs);

    updateSession(session.id, { expiresAt: Date.now() + MINUTE });
    await page.goto("/audit");
    await expectSignedIn(page);

    // Recently active, but past its lifetime.
    updateSession(session.id, { expiresAt: Date.now() - 1000, lastSeenAt: Date.now() });
    await page.goto("/audit");
    await expectSentToSignIn(page, "/audit");
    expect(sessionById(session.id)).toMatchObject({
      endedAt: expect.any(Number),
      endReason: "Session lifetime reached",
    });
    expect(auditEvents("console.sign_out", since).filter((e) => e.targetId === session.id)).toEqual([
      expect.objectContaining({ actorType: "system", onBehalfOfId: account.id, reason: "Session lifetime reached" }),
    ]);
  });
});
