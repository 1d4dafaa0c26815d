import { expect, test, type Request } from "@playwright/test";
import { signIn } from "./support/accounts";
import { createLocalAccount, sessionsOf } from "./support/db";

test.describe("security headers", () => {
  test("a console page is served with a nonce CSP, no framing and no sniffing", async ({ page }) => {
    const response = await page.goto("/agents");
    expect(response?.status()).toBe(200);
    const headers = response!.headers();
    const csp = headers["content-security-policy"] ?? "";
    const directives = new Map(
      csp
        .split(";")
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name!, values]),
    );

    const nonce = directives
      .get("script-src")
      ?.find((v) => v.startsWith("'nonce-"))
      ?.slice("'nonce-".length, -1);
    expect(nonce, csp).toBeTruthy();
    expect(directives.get("script-src")).not.toContain("'unsafe-inline'");
    expect(directives.get("frame-ancestors")).toEqual(["'none'"]);
    expect(directives.get("object-src")).toEqual(["'none'"]);
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(headers["x-frame-options"]).toBe("DENY");

    // The nonce is fresh per response and is the one Next puts on its scripts.
    const html = await response!.text();
    expect(html).toContain(`nonce="${nonce}"`);
    const again = await page.request.get("/agents");
    expect(again.headers()["content-security-policy"]).not.toContain(`'nonce-${nonce}'`);
  });

  test("the sign-in page carries the same headers", async ({ request }) => {
    const response = await request.get("/signin");
    expect(response.headers()["content-security-policy"]).toMatch(/frame-ancestors 'none'/);
    expect(response.headers()["x-frame-options"]).toBe("DENY");
    expect(response.headers()["x-content-type-options"]).toBe("nosniff");
  });
});

test.describe("server actions", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("a cross-origin POST to a server action is refused and changes nothing", async ({ page, baseURL }) => {
    const account = createLocalAccount("csrf", "auditor");
    await signIn(page, account.email);
    await expect(page.getByTestId("account-menu")).toBeVisible();

    // Capture the real "sign out" server action request, without letting it through.
    let captured: Request | undefined;
    await page.route("**/*", async (route) => {
      const request = route.request();
      if (request.method() === "POST" && request.headers()["next-action"]) {
        captured = request;
        await route.abort();
      } else {
        await route.fallback();
      }
    });
    await page.getByTestId("account-menu").click();
    await page.getByTestId("sign-out").click();
    await expect.poll(() => captured).toBeDefined();
    await page.unrouteAll({ behavior: "ignoreErrors" });

    const sent = captured!;
    const replay = (origin: string) =>
      page.request.fetch(sent.url(), {
        method: "POST",
        headers: {
          "next-action": sent.headers()["next-action"]!,
          "next-router-state-tree": sent.headers()["next-router-state-tree"] ?? "",
          "content-type": sent.headers()["content-type"] ?? "text/plain;charset=UTF-8",
          accept: "text/x-component",
          origin,
        },
        data: sent.postDataBuffer() ?? Buffer.alloc(0),
        maxRedirects: 0,
      });

    // From another site, carrying the signed-in cookie (page.request shares it).
    const forged = await replay("http://evil.example");
    expect(forged.status(), await forged.text()).toBeGreaterThanOrEqual(400);
    expect(sessionsOf(account.id)).toEqual([expect.objectContaining({ endedAt: null })]);
    await page.goto("/audit");
    await expect(page.getByTestId("account-menu")).toBeVisible();

    // The same request from the console's own origin does sign out: the refusal
    // above was the origin check, not a malformed replay.
    const genuine = await replay(baseURL!);
    expect(genuine.status()).toBeLessThan(400);
    expect(sessionsOf(account.id)).toEqual([
      expect.objectContaining({ endedAt: expect.any(Number), endReason: "Signed out" }),
    ]);
    await page.goto("/audit");
    await expect(page).toHaveURL((url) => url.pathname === "/signin");
  });
});
