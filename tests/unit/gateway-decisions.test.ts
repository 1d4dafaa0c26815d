import { createHash, createHmac } from "node:crypto";
import { validateHeaderValue } from "node:http";
import { describe, expect, it } from "vitest";
import { argumentHashKey, loggedArguments } from "@/lib/gateway/argument-log";
import { canonicalJson } from "@/lib/servers/canonical-json";
import type { GatewayCaller } from "@/lib/gateway/caller";
import type { GatewayServer, GatewayTool } from "@/lib/gateway/directory";
import { filterToolsListMessage } from "@/lib/gateway/filter-tools-list";
import { classifyPosted } from "@/lib/gateway/json-rpc";
import { OpenStreams } from "@/lib/gateway/open-streams";
import { decideToolCall } from "@/lib/gateway/tool-call-decision";
import { bearerChallenge } from "@/lib/gateway/www-authenticate";
import { transformSseBody } from "@/server/sse-transform";

const tool = (name: string, scope: string, approved = true): [string, GatewayTool] => [
  name,
  { id: `t-${name}`, name, scope, risk: "read", approved },
];
const server: GatewayServer = {
  id: "s1",
  name: "Docs",
  slug: "docs",
  resourceUri: "https://mcp.example/docs",
  upstreamUrl: new URL("http://127.0.0.1:1/mcp"),
  credential: null,
  argumentLogging: "none",
  tools: new Map([
    tool("read", "docs.read"),
    tool("search", "docs.read"),
    tool("write", "docs.write"),
    tool("draft", "docs.draft", false),
  ]),
  scopes: ["docs.read", "docs.write"],
};
// Granted `read` only: `search` shares its scope but is not among the token's tools.
const caller: GatewayCaller = {
  clientId: "a",
  userSubject: null,
  sessionId: "s",
  jti: "j",
  audience: server.resourceUri,
  scopes: new Set(["docs.read"]),
  tools: new Set(["read"]),
  expiresAtMs: Date.now() + 60_000,
};

describe("gateway decisions", () => {
  it("allows an approved tool in scope and names the scope a refused one needs", () => {
    expect(decideToolCall(server, caller, { name: "read" })).toMatchObject({ allow: true });
    expect(decideToolCall(server, caller, { name: "write" })).toMatchObject({
      allow: false,
      requiredScope: "docs.write",
    });
    const draft = decideToolCall(server, caller, { name: "draft" });
    expect(draft).toMatchObject({ allow: false, reason: "tool_not_approved: draft is not approved" });
    expect(draft).not.toHaveProperty("requiredScope");
    expect(decideToolCall(server, caller, { name: "nope" })).toMatchObject({ allow: false, tool: null });
    expect(decideToolCall(server, caller, {})).toMatchObject({ allow: false, toolName: "" });
  });

  it("decides on the token's tools, never on a scope alone, and says which grant allowed a call", () => {
    expect(decideToolCall(server, caller, { name: "read" })).toEqual({
      allow: true,
      tool: server.tools.get("read"),
      reason: "tool read granted to this session (authorization_details; scope docs.read)",
    });
    const sibling = decideToolCall(server, caller, { name: "search" });
    expect(sibling).toMatchObject({
      allow: false,
      reason: "tool_not_granted: tool search is not granted to this session",
    });
    // No scope would grant it: the challenge names none.
    expect(sibling).not.toHaveProperty("requiredScope");
    // A token without authorization_details calls nothing, whatever its scopes.
    expect(decideToolCall(server, { ...caller, tools: new Set() }, { name: "read" })).toMatchObject({ allow: false });
  });

  it("filters tools/list results and leaves other messages alone", () => {
    const listed = {
      jsonrpc: "2.0",
      id: 1,
      result: {
        tools: [{ name: "read" }, { name: "search" }, { name: "write" }, { name: "draft" }, { name: "x" }],
        nextCursor: "2",
      },
    };
    expect(filterToolsListMessage(listed, server, caller)).toEqual({
      jsonrpc: "2.0",
      id: 1,
      result: { tools: [{ name: "read" }], nextCursor: "2" },
    });
    const note = { jsonrpc: "2.0", method: "notifications/progress", params: {} };
    expect(filterToolsListMessage(note, server, caller)).toBe(note);
  });

  it("classifies posted bodies: parse errors, batches, non-JSON-RPC and messages", () => {
    expect(classifyPosted(Buffer.from("{"))).toMatchObject({ kind: "parse_error" });
    expect(classifyPosted(Buffer.from("[]"))).toMatchObject({ kind: "batch" });
    expect(classifyPosted(Buffer.from('"x"'))).toMatchObject({ kind: "invalid" });
    expect(classifyPosted(Buffer.from('{"jsonrpc":"1.0","method":"ping"}'))).toMatchObject({ kind: "invalid" });
    expect(classifyPosted(Buffer.from('{"jsonrpc":"2.0","id":{},"method":"ping"}'))).toMatchObject({ kind: "invalid" });
    expect(classifyPosted(Buffer.from('{"jsonrpc":"2.0","id":3,"method":"ping"}'))).toEqual({
      kind: "message",
      id: 3,
      method: "ping",
      params: undefined,
    });
    expect(classifyPosted(Buffer.from('{"jsonrpc":"2.0","id":3,"result":{}}'))).toMatchObject({
      kind: "message",
      method: null,
    });
  });

  it("logs arguments as nothing, a hash of canonical JSON, or their redacted shape", () => {
    const args = { b: 1, a: { c: "secret", d: [1, "x"] } };
    expect(loggedArguments("none", args)).toEqual({});
    const key = () => Buffer.alloc(32, 7);
    expect(loggedArguments("hash", args, key)).toEqual({
      argumentsHmacSha256: createHmac("sha256", key()).update('{"a":{"c":"secret","d":[1,"x"]},"b":1}').digest("hex"),
    });
    expect(loggedArguments("hash", { a: { d: [1, "x"], c: "secret" }, b: 1 }, key)).toEqual(
      loggedArguments("hash", args, key),
    );
    expect(loggedArguments("redacted", args)).toEqual({
      arguments: { b: "[redacted]", a: { c: "[redacted]", d: ["[redacted]", "[redacted]"] } },
    });
  });

  it("builds RFC 6750 challenges with resource_metadata, quoting values", () => {
    expect(bearerChallenge({ resourceMetadata: "https://m/x" })).toBe('Bearer resource_metadata="https://m/x"');
    expect(bearerChallenge({ resourceMetadata: "https://m/x", error: "invalid_token", description: 'bad "aud"' })).toBe(
      'Bearer error="invalid_token", error_description="bad \\"aud\\"", resource_metadata="https://m/x"',
    );
  });

  it("hashes arguments under a key derived from the master key: comparable across events, not guessable without it", () => {
    const env = { MANDATE_MASTER_KEY: Buffer.alloc(32, 1).toString("base64url") };
    const pin = { pin: "4821" };
    const under = (e: Record<string, string>) =>
      loggedArguments("hash", pin, () => argumentHashKey(e)).argumentsHmacSha256 as string;
    expect(under(env)).toBe(under({ ...env }));
    expect(under(env)).not.toBe(under({ MANDATE_MASTER_KEY: Buffer.alloc(32, 2).toString("base64url") }));
    // The unsalted digest the issue recovered a 4-digit argument from is not what is kept.
    const guesses = new Set(
      Array.from({ length: 10_000 }, (_, n) =>
        createHash("sha256")
          .update(canonicalJson({ pin: String(n).padStart(4, "0") }))
          .digest("hex"),
      ),
    );
    expect(guesses.has(under(env))).toBe(false);
    expect(() => argumentHashKey({})).toThrow(/MANDATE_MASTER_KEY/);
  });

  it("keeps a challenge sendable when a tool name holds a NUL or a non-Latin-1 character", () => {
    for (const name of ["bad\u0000tool", "工具", "emoji\u{1F600}", "lone\uD800", "tab\tcr\rlf\n", "é"]) {
      const challenge = bearerChallenge({
        resourceMetadata: "https://m/x",
        error: "insufficient_scope",
        description: `insufficient_scope: ${name} requires docs.write`,
        scope: "docs.write",
      });
      expect(() => validateHeaderValue("www-authenticate", challenge)).not.toThrow();
      expect(challenge).toMatch(/^[\x20-\x7e]+$/);
    }
    expect(bearerChallenge({ resourceMetadata: "https://m/x", description: "a\u0000工" })).toBe(
      'Bearer error_description="a%00%E5%B7%A5", resource_metadata="https://m/x"',
    );
  });

  it("rewrites the JSON data of SSE events and keeps ids and other events", () => {
    const body = 'event: message\nid: 7\ndata: {"n":1}\n\n: comment\n\ndata: {"n":2}\n\n';
    expect(transformSseBody(body, (m) => ({ ...(m as object), seen: true }))).toBe(
      'event: message\nid: 7\ndata: {"n":1,"seen":true}\n\n: comment\n\ndata: {"n":2,"seen":true}\n\n',
    );
  });

  it("closes the streams a revocation covers, by session or by token", () => {
    const streams = new OpenStreams();
    const closed: string[] = [];
    const untrack = streams.add("s1", "j1", () => closed.push("a"));
    streams.add("s1", "j2", () => closed.push("b"));
    streams.add("s2", "j3", () => closed.push("c"));
    untrack();
    streams.revoke({ sessionId: "s1" });
    streams.revoke({ jti: "j3" });
    expect(closed).toEqual(["b", "c"]);
  });
});
