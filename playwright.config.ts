import { defineConfig } from "@playwright/test";
import { ssoEnv } from "./e2e/support/sso";

const port = Number(process.env.E2E_PORT ?? 3100);
/** The app (scripts/e2e-server.sh) and the test OpenID provider read the same variables. */
const sso = ssoEnv(`http://127.0.0.1:${port}`);

/**
 * End-to-end tests drive the built console in Debian's Chromium (Playwright's
 * own browser download is not available offline). The server runs the same
 * entry point as production, against a freshly seeded embedded database.
 */
export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
      ],
    },
  },
  projects: [
    { name: "setup", testMatch: /auth\.setup\.ts/ },
    // Signed in as the demo admin unless a spec chooses another role or none.
    {
      name: "chromium",
      use: { browserName: "chromium", storageState: ".cache/e2e-auth/admin.json" },
      dependencies: ["setup"],
    },
  ],
  webServer: [
    {
      command: `bash scripts/e2e-server.sh ${port}`,
      url: `http://127.0.0.1:${port}/readyz`,
      env: sso,
      timeout: 180_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
    },
    {
      // A real OpenID provider for e2e/sso.spec.ts (Auth.js fetches its
      // discovery document at sign-in time, so start order does not matter).
      command: "node e2e/support/oidc-provider.mjs",
      url: `${sso.MANDATE_OIDC_ISSUER}/.well-known/openid-configuration`,
      env: sso,
      timeout: 30_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
    },
  ],
});
