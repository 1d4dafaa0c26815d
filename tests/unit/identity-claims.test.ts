import { describe, expect, it } from "vitest";
import { ssoIdentityOf } from "@/lib/auth/sso-person";
import { idTokenIssuedTo } from "@/lib/oauth/subject-token";

describe("the client an ID token was issued to (OIDC Core §2)", () => {
  it("is its only audience, which azp may repeat but not contradict", () => {
    expect(idTokenIssuedTo({ aud: "agent-app" })).toBe("agent-app");
    expect(idTokenIssuedTo({ aud: ["agent-app"] })).toBe("agent-app");
    expect(idTokenIssuedTo({ aud: "agent-app", azp: "agent-app" })).toBe("agent-app");
    expect(idTokenIssuedTo({ aud: "agent-app", azp: "someone-else" })).toBeNull();
  });

  it("is azp when there are several audiences, and azp must be one of them", () => {
    expect(idTokenIssuedTo({ aud: ["agent-app", "api"], azp: "agent-app" })).toBe("agent-app");
    expect(idTokenIssuedTo({ aud: ["agent-app", "api"] })).toBeNull();
    expect(idTokenIssuedTo({ aud: ["agent-app", "api"], azp: "elsewhere" })).toBeNull();
    expect(idTokenIssuedTo({})).toBeNull();
  });
});

describe("an SSO sign-in's identity", () => {
  it("counts an email as verified only when the IdP says email_verified: true", () => {
    const base = { sub: "00u1", email: "ada@acme.example", name: "Ada" };
    expect(ssoIdentityOf("https://idp.example", { ...base, email_verified: true }).emailVerified).toBe(true);
    expect(ssoIdentityOf("https://idp.example", base).emailVerified).toBe(false);
    expect(ssoIdentityOf("https://idp.example", { ...base, email_verified: "true" }).emailVerified).toBe(false);
    expect(ssoIdentityOf("https://idp.example", { ...base, email_verified: false })).toMatchObject({
      issuer: "https://idp.example",
      subject: "00u1",
      email: "ada@acme.example",
      emailVerified: false,
    });
  });
});
