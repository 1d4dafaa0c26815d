import { describe, expect, it } from "vitest";
import { authorizationEndpoint } from "@/lib/oauth/endpoints/authorization";

describe("authorization endpoint (no response type supported)", () => {
  it("answers invalid_request when response_type is missing, without redirecting", () => {
    const r = authorizationEndpoint(new URLSearchParams({ client_id: "a", redirect_uri: "https://client.example/cb" }));
    expect(r.status).toBe(400);
    expect(r.headers.location).toBeUndefined();
    expect(JSON.parse(r.body)).toMatchObject({ error: "invalid_request" });
  });

  it("answers unsupported_response_type for every response type, and never redirects to the named URI", () => {
    for (const type of ["code", "token", "id_token", "code id_token", "none"]) {
      const r = authorizationEndpoint(new URLSearchParams({ response_type: type, client_id: "a", redirect_uri: "https://evil.example/cb", state: "s" }));
      expect(r.status, type).toBe(400);
      expect(r.headers.location, type).toBeUndefined();
      expect(JSON.parse(r.body), type).toMatchObject({ error: "unsupported_response_type" });
      expect(r.headers["cache-control"]).toBe("no-store");
    }
  });
});
