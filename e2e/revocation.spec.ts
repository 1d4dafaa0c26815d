import { expect, test, type APIRequestContext } from "@playwright/test";
import { auditEvents } from "./support/db";
import { storageStateOf } from "./support/accounts";

// A seeded autonomous agent with a client secret (scripts/seed/org.ts) and a
// native-mode server it is entitled to read.
const CLIENT = "agent-release-captain";
const SECRET = "demo-secret-0";
const RESOURCE = "https://mcp.github.acme.example/mcp";
const basic = `Basic ${Buffer.from(`${CLIENT}:${SECRET}`).toString("base64")}`;
const form = { authorization: basic, "content-type": "application/x-www-form-urlencoded" };

async function introspect(request: APIRequestContext, token: string): Promise<boolean> {
  const res = await request.post("/oauth/introspect", { headers: form, data: `token=${encodeURIComponent(token)}` });
  expect(res.status()).toBe(200);
  return ((await res.json()) as { active: boolean }).active;
}

test.use({ storageState: storageStateOf("oncall") });

test("on-call revokes a live session in the console and its token is inactive at once", async ({ page, request }) => {
  const started = Date.now();
  const mint = await request.post("/oauth/token", {
    headers: form,
    data: `grant_type=client_credentials&resource=${encodeURIComponent(RESOURCE)}&scope=${encodeURIComponent("repo:read")}`,
  });
  expect(mint.status()).toBe(200);
  const { access_token: token } = (await mint.json()) as { access_token: string };
  const { sid } = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as { sid: string };
  expect(await introspect(request, token)).toBe(true);

  await page.goto(`/sessions?q=${encodeURIComponent("Release Captain")}`);
  await page.getByTestId(`revoke-${sid}`).click();
  await page.getByLabel("Reason").fill("Incident drill: containment");
  await page.getByRole("button", { name: "Revoke session" }).click();
  await expect(page.getByText("Session revoked")).toBeVisible();
  await expect(page.getByTestId(`revoke-${sid}`)).toHaveCount(0);

  expect(await introspect(request, token)).toBe(false);
  const events = auditEvents("session.revoked", started).filter((e) => e.targetId === sid);
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ actorLabel: "oncall@acme.example", reason: "Incident drill: containment" });
});

test("an auditor sees live sessions but no revoke control", async ({ browser }) => {
  const context = await browser.newContext({ storageState: storageStateOf("auditor") });
  const page = await context.newPage();
  await page.goto("/sessions");
  await expect(page.getByRole("heading", { level: 1, name: "Sessions" })).toBeVisible();
  await expect(page.getByRole("button", { name: /Revoke session/ })).toHaveCount(0);
  await context.close();
});
