import { describe, expect, it } from "vitest";
import { configuredConsoleOrigin, pinAuthUrl } from "@/lib/auth/console-url";

describe("the console's public URL and the Host header", () => {
  it("takes AUTH_URL, else MANDATE_ISSUER, as the origin", () => {
    expect(configuredConsoleOrigin({ MANDATE_ISSUER: "https://mandate.example/" })).toBe("https://mandate.example");
    expect(
      configuredConsoleOrigin({ AUTH_URL: "https://console.example", MANDATE_ISSUER: "https://mandate.example" }),
    ).toBe("https://console.example");
    expect(configuredConsoleOrigin({})).toBeNull();
    expect(() => configuredConsoleOrigin({ MANDATE_ISSUER: "mandate.example" })).toThrow(/absolute URL/);
  });

  it("pins Auth.js (next-auth reads AUTH_URL instead of the Host header) to MANDATE_ISSUER when AUTH_URL is unset", () => {
    const env: Record<string, string | undefined> = { MANDATE_ISSUER: "https://mandate.example/" };
    pinAuthUrl(env);
    expect(env.AUTH_URL).toBe("https://mandate.example");
    const set: Record<string, string | undefined> = {
      AUTH_URL: "https://console.example",
      MANDATE_ISSUER: "https://mandate.example",
    };
    pinAuthUrl(set);
    expect(set.AUTH_URL).toBe("https://console.example");
    const local: Record<string, string | undefined> = {};
    pinAuthUrl(local);
    expect(local.AUTH_URL).toBeUndefined();
  });

  it("leaves a loopback IP issuer unpinned, since Next rewrites that host to localhost in route handlers", () => {
    for (const issuer of ["http://127.0.0.1:3100", "http://[::1]:3000"]) {
      const env: Record<string, string | undefined> = { MANDATE_ISSUER: issuer };
      pinAuthUrl(env);
      expect(env.AUTH_URL).toBeUndefined();
    }
    const named: Record<string, string | undefined> = { MANDATE_ISSUER: "http://localhost:3000" };
    pinAuthUrl(named);
    expect(named.AUTH_URL).toBe("http://localhost:3000");
  });
});
