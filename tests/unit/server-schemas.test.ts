import { describe, expect, it } from "vitest";
import { registerServerSchema, updateServerSchema } from "@/lib/servers/server-schemas";
import { defaultScope } from "@/lib/servers/default-scope";
import { slugOf } from "@/lib/servers/slug";
import { suggestedRisk } from "@/lib/servers/suggested-risk";
import { toolDefinitionHash } from "@/lib/servers/tool-definition-hash";
import { scopeSchema } from "@/lib/servers/tool-schemas";

const base = { name: "Billing", resourceUri: "https://billing.example/mcp", enforcementMode: "native" } as const;
const errorsOf = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  Object.fromEntries((r.error?.issues ?? []).map((i) => [i.path.join("."), i.message]));

describe("server schemas", () => {
  it("accepts a minimal native server and treats empty fields as unset", () => {
    const r = registerServerSchema.parse({ ...base, description: "  ", ownerEmail: "", upstreamCredential: "" });
    expect(r).toMatchObject({ name: "Billing", argumentLogging: "none" });
    expect(r.description).toBeUndefined();
    expect(r.upstreamCredential).toBeUndefined();
  });

  it("needs absolute http(s) URLs without fragments", () => {
    expect(errorsOf(registerServerSchema.safeParse({ ...base, resourceUri: "billing.example/mcp" }))).toHaveProperty(
      "resourceUri",
    );
    expect(errorsOf(registerServerSchema.safeParse({ ...base, resourceUri: "ftp://billing.example" }))).toHaveProperty(
      "resourceUri",
    );
    expect(
      errorsOf(registerServerSchema.safeParse({ ...base, resourceUri: "https://b.example/mcp#x" })),
    ).toHaveProperty("resourceUri");
    expect(errorsOf(registerServerSchema.safeParse({ ...base, authorizationServerIssuer: "nope" }))).toHaveProperty(
      "authorizationServerIssuer",
    );
  });

  it("needs an upstream URL in gateway mode and refuses one in native mode", () => {
    expect(errorsOf(registerServerSchema.safeParse({ ...base, enforcementMode: "gateway" })).upstreamUrl).toMatch(
      /gateway server needs/,
    );
    expect(
      errorsOf(registerServerSchema.safeParse({ ...base, upstreamUrl: "https://up.example/mcp" })).upstreamUrl,
    ).toMatch(/Only gateway/);
    expect(
      registerServerSchema.safeParse({ ...base, enforcementMode: "gateway", upstreamUrl: "http://10.0.0.5/mcp" })
        .success,
    ).toBe(true);
  });

  it("refuses a credential that could not travel in a header", () => {
    expect(
      errorsOf(registerServerSchema.safeParse({ ...base, upstreamCredential: "abc\r\nX-Evil: 1" })),
    ).toHaveProperty("upstreamCredential");
  });

  it("refuses replacing and removing the credential at once", () => {
    const r = updateServerSchema.safeParse({
      ...base,
      id: "s1",
      upstreamCredential: "new",
      clearUpstreamCredential: true,
    });
    expect(errorsOf(r)).toHaveProperty("upstreamCredential");
  });

  it("derives slugs, default scopes, risks and definition hashes", () => {
    expect(slugOf("  Café Billing (EU) ")).toBe("cafe-billing-eu");
    expect(slugOf("!!!")).toBe("");
    expect(defaultScope("billing", "create invoice")).toBe("billing:create_invoice");
    expect(scopeSchema.safeParse(defaultScope("billing", 'a"b\\c d')).success).toBe(true);
    expect(suggestedRisk({ readOnlyHint: true })).toBe("read");
    expect(suggestedRisk({ destructiveHint: true })).toBe("destructive");
    expect(suggestedRisk(undefined)).toBe("write");
    const a = toolDefinitionHash({
      name: "t",
      description: "d",
      inputSchema: { type: "object", properties: { a: {}, b: {} } },
    });
    const b = toolDefinitionHash({
      name: "t",
      description: "d",
      inputSchema: { properties: { b: {}, a: {} }, type: "object" },
    });
    expect(a).toBe(b);
    expect(toolDefinitionHash({ name: "t", description: "other", inputSchema: {} })).not.toBe(
      toolDefinitionHash({ name: "t", description: "d", inputSchema: {} }),
    );
  });
});
