import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScimToken } from "@/lib/directory/scim-tokens";
import { suiteDatabase } from "../support/suite-database";
import { ADMIN, createAgent, startToolGrantWorld, type ToolGrantWorld } from "../support/tool-grant-world";

/**
 * Random and malformed requests against the token endpoint, the gateway and
 * SCIM, over real HTTP: none may answer 5xx or show a stack, and none may
 * mint a token or reach the upstream MCP server. Seeded (FUZZ_SEED to replay
 * a failure) and bounded in cases and time, so it runs in every CI build.
 * The embedded store only: the properties are about the HTTP edge, which is
 * the same on both.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 22);
const RUNS = 1000;
const TIME_LIMIT_MS = 12_000;

const b64url = (s: string) => Buffer.from(s, "utf8").toString("base64url");
/** Percent-encodes any string (encodeURIComponent throws on a lone surrogate). */
const pct = (s: string) => Array.from(Buffer.from(s, "utf8"), (b) => `%${b.toString(16).padStart(2, "0")}`).join("");
const STACK = /\bat [^\s]+ \(?[^\s]*:\d+:\d+\)?|node_modules|\/work\//;

/** Strings with the characters that break parsers: controls, quotes, %, non-Latin-1, lone surrogates. */
const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom(
    "",
    "%",
    "%zz",
    "%E0%A4%A",
    "\u0000",
    "工具",
    "\uD800",
    "=1+1",
    "a\r\nb: c",
    '"',
    "\\",
    "null",
    "[]",
    "{}",
    "-1",
    "1e999",
    "x".repeat(3000),
  ),
);
const json = fc.jsonValue({ maxDepth: 4 });
/** JWT-shaped strings: random headers (alg none, HS256, embedded jwk, jku …) and payloads, random or empty signatures. */
const jwt = fc
  .tuple(
    fc.oneof(
      json,
      fc.record(
        {
          alg: fc.constantFrom("none", "HS256", "ES256", "RS256", "EdDSA", ""),
          kid: nasty,
          typ: nasty,
          jku: nasty,
          jwk: json,
        },
        { requiredKeys: [] },
      ),
    ),
    fc.oneof(
      json,
      fc.record(
        {
          iss: nasty,
          sub: nasty,
          aud: fc.oneof(nasty, fc.array(nasty)),
          exp: fc.integer(),
          iat: fc.integer(),
          jti: nasty,
        },
        { requiredKeys: [] },
      ),
    ),
    fc.oneof(fc.constant(""), fc.base64String({ maxLength: 90 }), nasty),
  )
  .map(([h, p, sig]) => `${b64url(JSON.stringify(h))}.${b64url(JSON.stringify(p))}.${sig}`);
const value = fc.oneof(
  nasty,
  jwt,
  json.map((v) => JSON.stringify(v)),
);
const headerValue = fc.oneof(
  nasty,
  jwt.map((t) => `Bearer ${t}`),
  nasty.map((s) => `Basic ${b64url(s)}`),
  nasty.map((s) => `Bearer ${s}`),
);

/** Node refuses to send some header values; those requests never leave the client, so they are dropped. */
function sendableHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([, v]) => /^[\t\x20-\x7e\x80-\xff]*$/.test(v)));
}

async function expectNoServerError(res: Response, what: string): Promise<void> {
  const text = await res.text();
  expect({ what, status: res.status }).toEqual({ what, status: expect.any(Number) });
  if (res.status >= 500) throw new Error(`${what}: ${res.status} ${text.slice(0, 300)}`);
  if (STACK.test(text)) throw new Error(`${what}: a stack or path in the response: ${text.slice(0, 300)}`);
}

describe("protocol edge fuzzing (token endpoint, gateway, SCIM)", () => {
  const suite = suiteDatabase("sqlite");
  let world: ToolGrantWorld;
  let clientId: string;
  let scimToken: string;

  beforeAll(async () => {
    world = await startToolGrantWorld(suite.db);
    clientId = (await createAgent(world, [world.ids.entitlements.read])).clientId;
    scimToken = (await createScimToken(suite.db, ADMIN, { name: "fuzz" })).token;
  });
  afterAll(async () => {
    await world?.close();
  });

  const minted = async () => ({
    tokens: await suite.db.issuedToken.count(),
    sessions: await suite.db.agentSession.count(),
  });

  it("the token endpoint mints nothing and never fails for random forms, bodies, headers and JWTs", async () => {
    const before = await minted();
    const params = fc.dictionary(
      fc.oneof(
        fc.constantFrom(
          "grant_type",
          "client_id",
          "client_secret",
          "client_assertion",
          "client_assertion_type",
          "assertion",
          "subject_token",
          "subject_token_type",
          "actor_token",
          "requested_token_type",
          "resource",
          "audience",
          "scope",
          "authorization_details",
          "code",
          "code_verifier",
          "redirect_uri",
          "refresh_token",
        ),
        nasty,
      ),
      value,
      { maxKeys: 8 },
    );
    const grant = fc.constantFrom(
      "client_credentials",
      "urn:ietf:params:oauth:grant-type:jwt-bearer",
      "urn:ietf:params:oauth:grant-type:token-exchange",
      "authorization_code",
      "refresh_token",
      "x",
    );
    await fc.assert(
      fc.asyncProperty(
        params,
        grant,
        fc.boolean(),
        fc.oneof(fc.constant(`Basic ${b64url(`${clientId}:wrong`)}`), headerValue, fc.constant(undefined)),
        fc.constantFrom(
          "application/x-www-form-urlencoded",
          "application/json",
          "text/plain",
          "multipart/form-data",
          "",
        ),
        fc.oneof(
          fc.constant(null),
          json.map((v) => JSON.stringify(v)),
          fc.uint8Array({ maxLength: 200 }),
        ),
        async (form, grantType, withGrant, authorization, contentType, rawBody) => {
          const body =
            rawBody ??
            new URLSearchParams({
              ...(withGrant ? { grant_type: grantType } : {}),
              client_id: clientId,
              ...form,
            }).toString();
          const headers = sendableHeaders({ "content-type": contentType, ...(authorization ? { authorization } : {}) });
          const res = await fetch(`${world.issuer}/oauth/token`, { method: "POST", headers, body });
          await expectNoServerError(res, "token");
        },
      ),
      { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, endOnFailure: true },
    );
    expect(await minted()).toEqual(before);
  });

  it("the gateway forwards nothing and never fails for random bodies, tokens and headers", async () => {
    const calls = world.upstream.calls.length;
    const message = fc.oneof(
      json.map((v) => JSON.stringify(v)),
      fc
        .record(
          {
            jsonrpc: fc.constantFrom("2.0", "1.0", 2),
            id: fc.oneof(fc.integer(), nasty, json),
            method: fc.oneof(fc.constantFrom("tools/call", "tools/list", "initialize", "ping"), nasty),
            params: json,
          },
          { requiredKeys: [] },
        )
        .map((m) => JSON.stringify(m)),
      fc
        .record({
          jsonrpc: fc.constant("2.0"),
          id: fc.integer(),
          method: fc.constant("tools/call"),
          params: fc.record({ name: nasty, arguments: json }),
        })
        .map((m) => JSON.stringify(m)),
      nasty,
    );
    await fc.assert(
      fc.asyncProperty(
        message,
        fc.oneof(headerValue, fc.constant(undefined)),
        fc.constantFrom("POST", "GET", "DELETE", "PUT"),
        fc.dictionary(
          fc.constantFrom(
            "content-type",
            "accept",
            "origin",
            "mcp-session-id",
            "mcp-protocol-version",
            "last-event-id",
          ),
          nasty,
          { maxKeys: 4 },
        ),
        fc.constantFrom(
          "/mcp/chat",
          "/mcp/nope",
          "/mcp/%E0%A4%A",
          "/mcp/chat/x",
          "/.well-known/oauth-protected-resource/mcp/chat",
        ),
        async (body, authorization, method, extra, path) => {
          const headers = sendableHeaders({
            "content-type": "application/json",
            accept: "application/json, text/event-stream",
            ...extra,
            ...(authorization ? { authorization } : {}),
          });
          const res = await fetch(`${world.issuer}${path}`, {
            method,
            headers,
            ...(method === "GET" ? {} : { body }),
            signal: AbortSignal.timeout(5_000),
          });
          await expectNoServerError(res, `gateway ${method} ${path}`);
        },
      ),
      { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, endOnFailure: true },
    );
    expect(world.upstream.calls.length).toBe(calls);
  });

  it("SCIM never fails for random paths, filters, bodies and tokens", async () => {
    const path = fc.oneof(
      fc.constantFrom(
        "/Users",
        "/Groups",
        "/Users/x",
        "/Groups/x",
        "/Schemas/%zz",
        "/Users/%",
        "/ServiceProviderConfig",
        "/ResourceTypes/User",
        "/Bulk",
        "/Me",
      ),
      nasty.map((s) => `/Users/${pct(s)}`),
      fc
        .constantFrom("/Users?filter=", "/Groups?filter=")
        .chain((p) =>
          fc
            .oneof(
              nasty,
              fc.constantFrom(
                "userName pr",
                "title pr",
                "not (active pr)",
                `${"(".repeat(50)}userName pr${")".repeat(50)}`,
                'emails[type eq "work" and value co "@"]',
                "members pr",
              ),
            )
            .map((f) => `${p}${pct(f)}`),
        ),
    );
    await fc.assert(
      fc.asyncProperty(
        path,
        fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE"),
        fc.oneof(
          json.map((v) => JSON.stringify(v)),
          nasty,
        ),
        fc.oneof(fc.constant(`Bearer ${scimToken}`), headerValue, fc.constant(undefined)),
        fc.constantFrom("application/scim+json", "application/json", "text/plain"),
        async (p, method, body, authorization, contentType) => {
          const headers = sendableHeaders({ "content-type": contentType, ...(authorization ? { authorization } : {}) });
          const res = await fetch(`${world.issuer}/scim/v2${p}`, {
            method,
            headers,
            ...(method === "GET" || method === "DELETE" ? {} : { body }),
          });
          await expectNoServerError(res, `SCIM ${method} ${p}`);
        },
      ),
      { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, endOnFailure: true },
    );
  });
});
