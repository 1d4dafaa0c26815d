import type { Page } from "@playwright/test";

export const DEMO_PASSWORD = "mandate-demo";
export const ROLES = ["admin", "reviewer", "oncall", "auditor"] as const;
export type Role = (typeof ROLES)[number];
export const accountOf = (role: Role) => `${role}@acme.example`;
export const storageStateOf = (role: Role) => `.cache/e2e-auth/${role}.json`;

/** Signs in through the real sign-in form. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  if (!page.url().includes("/signin")) await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByTestId("password-sign-in").click();
}
