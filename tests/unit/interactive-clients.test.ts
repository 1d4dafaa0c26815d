import { describe, expect, it } from "vitest";
import { autoApproved } from "@/lib/interactive/registration-policy";
import { isLocalRedirect, matchesRegisteredRedirect, redirectUriProblem } from "@/lib/interactive/redirect-uris";
import { isPublicAddress, safeFetch } from "@/lib/interactive/safe-fetch";
import {
  cacheSecondsOf,
  checkDocument,
  clientIdUrlProblem,
  ClientMetadataDocumentError,
} from "@/lib/oauth/client-metadata-document";
import { requestedToolScopes } from "@/lib/oauth/authorization-settings";

describe("redirect URIs of interactive clients", () => {
  it("registers https, http on loopback and reverse-domain private-use schemes only", () => {
    expect(redirectUriProblem("https://app.example/cb")).toBeNull();
    expect(redirectUriProblem("http://127.0.0.1:8123/cb")).toBeNull();
    expect(redirectUriProblem("http://localhost/cb")).toBeNull();
    expect(redirectUriProblem("com.example.app:/oauth")).toBeNull();
    expect(redirectUriProblem("http://app.example/cb")).toMatch(/loopback/);
    expect(redirectUriProblem("https://app.example/cb#x")).toMatch(/fragment/);
    expect(redirectUriProblem("javascript:alert(1)")).toMatch(/javascript/);
    expect(redirectUriProblem("myapp:/cb")).toMatch(/reverse-domain/);
    expect(redirectUriProblem("https://user:pw@app.example/cb")).toMatch(/credentials/);
  });

  it("matches exactly, except the port of a loopback IP literal (RFC 8252 §7.3)", () => {
    const registered = ["https://app.example/cb", "http://127.0.0.1:8000/cb"];
    expect(matchesRegisteredRedirect("https://app.example/cb", registered)).toBe(true);
    expect(matchesRegisteredRedirect("https://app.example/cb/", registered)).toBe(false);
    expect(matchesRegisteredRedirect("https://app.example/cb?x=1", registered)).toBe(false);
    expect(matchesRegisteredRedirect("https://APP.example/cb", registered)).toBe(false);
    expect(matchesRegisteredRedirect("http://127.0.0.1:49152/cb", registered)).toBe(true);
    expect(matchesRegisteredRedirect("http://127.0.0.1:49152/other", registered)).toBe(false);
    expect(matchesRegisteredRedirect("http://localhost:8000/cb", registered)).toBe(false);
    expect(isLocalRedirect("http://localhost:3000/cb")).toBe(true);
    expect(isLocalRedirect("https://app.example/cb")).toBe(false);
  });
});

describe("SSRF guard", () => {
  it("treats only public unicast addresses as public", () => {
    for (const a of [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "::1",
      "fe80::1",
      "fc00::1",
      "::ffff:127.0.0.1",
      "224.0.0.1",
    ]) {
      expect(isPublicAddress(a), a).toBe(false);
    }
    for (const a of ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"]) expect(isPublicAddress(a), a).toBe(true);
  });

  it("refuses loopback and private IP literals before connecting, and anything but https", async () => {
    const limits = { allowPrivateHosts: [], timeoutMs: 1000, maxBytes: 1024 };
    await expect(safeFetch("https://127.0.0.1:1/x.json", limits)).rejects.toThrow(/not a public address/);
    await expect(safeFetch("https://[::1]:1/x.json", limits)).rejects.toThrow(/not a public address/);
    await expect(safeFetch("https://169.254.169.254/latest/meta-data", limits)).rejects.toThrow(/not a public address/);
    await expect(safeFetch("http://example.com/x.json", limits)).rejects.toThrow(/https/);
    await expect(safeFetch("https://localhost:1/x.json", limits)).rejects.toThrow(/non-public/);
  });
});

describe("client ID metadata documents", () => {
  const id = "https://app.example/oauth/client.json";
  it("accepts only https URLs with a path, no fragment, credentials or dot segments", () => {
    expect(clientIdUrlProblem(id)).toBeNull();
    expect(clientIdUrlProblem("http://app.example/client.json")).toMatch(/https/);
    expect(clientIdUrlProblem("https://app.example/")).toMatch(/path/);
    expect(clientIdUrlProblem("https://app.example/a#b")).toMatch(/fragment/);
    expect(clientIdUrlProblem("https://u:p@app.example/a")).toMatch(/credentials/);
    expect(clientIdUrlProblem("https://app.example/a/../b")).toMatch(/dot/);
  });

  it("requires the document to name itself, carry no secret and use no shared-secret method", () => {
    const doc = { client_id: id, client_name: "App", redirect_uris: ["https://app.example/cb"] };
    expect(checkDocument(doc, id)).toMatchObject({
      client_name: "App",
      token_endpoint_auth_method: "none",
      grant_types: ["authorization_code"],
    });
    expect(() => checkDocument({ ...doc, client_id: "https://other.example/c.json" }, id)).toThrow(
      ClientMetadataDocumentError,
    );
    expect(() => checkDocument({ ...doc, client_secret: "x" }, id)).toThrow(/secret/);
    expect(() => checkDocument({ ...doc, token_endpoint_auth_method: "client_secret_basic" }, id)).toThrow(/none/);
    expect(() => checkDocument({ ...doc, redirect_uris: [] }, id)).toThrow(/redirect_uris/);
    expect(() => checkDocument({ ...doc, grant_types: ["client_credentials"] }, id)).toThrow(/grant_types/);
    expect(() => checkDocument([doc], id)).toThrow(/object/);
  });

  it("caches as the headers say, within bounds", () => {
    const bounds = { minCacheSeconds: 30, maxCacheSeconds: 86400 };
    expect(cacheSecondsOf({ "cache-control": "public, max-age=600" }, bounds)).toBe(600);
    expect(cacheSecondsOf({ "cache-control": "no-store" }, bounds)).toBe(30);
    expect(cacheSecondsOf({ "cache-control": "max-age=99999999" }, bounds)).toBe(86400);
    expect(cacheSecondsOf({ expires: new Date(Date.now() + 120_000).toUTCString() }, bounds)).toBeGreaterThanOrEqual(
      118,
    );
    expect(cacheSecondsOf({}, bounds)).toBe(300);
  });
});

describe("registration policy", () => {
  const policy = {
    dynamicRegistration: false,
    autoApprove: ["acme.example", "https://tools.example/ide.json", "name:Acme CLI"],
  };
  it("auto-approves listed client ids, domains (with subdomains) and registered names", () => {
    expect(autoApproved(policy, "https://ide.acme.example/client.json")).toBe(true);
    expect(autoApproved(policy, "https://acme.example/client.json")).toBe(true);
    expect(autoApproved(policy, "https://notacme.example/client.json")).toBe(false);
    expect(autoApproved(policy, "https://tools.example/ide.json")).toBe(true);
    expect(autoApproved(policy, "https://tools.example/other.json")).toBe(false);
    expect(autoApproved(policy, "dcr-123", "Acme CLI")).toBe(true);
    expect(autoApproved(policy, "dcr-123", "Other")).toBe(false);
  });

  it("ignores scope values that name no tool", () => {
    expect(requestedToolScopes("openid offline_access docs.read docs.read")).toEqual(["docs.read"]);
    expect(requestedToolScopes(undefined)).toEqual([]);
  });
});

describe("registration policy input", () => {
  it("accepts a client name with spaces after name:, and refuses spaces elsewhere", async () => {
    const { registrationPolicySchema } = await import("@/lib/interactive/registration-policy");
    expect(registrationPolicySchema.safeParse({ autoApprove: ["name:E2E DCR client"] }).success).toBe(true);
    expect(registrationPolicySchema.safeParse({ autoApprove: ["acme .example"] }).success).toBe(false);
  });
});
