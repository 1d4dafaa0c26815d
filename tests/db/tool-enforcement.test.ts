import { StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { effectiveAccessOnBehalfOf } from "@/lib/entitlements/effective-access";
import { MCP_TOOLS_TYPE } from "@/lib/oauth/authorization-details";
import { PROVIDERS } from "../support/databases";
import { suiteDatabase } from "../support/suite-database";
import {
  CHAT_TOOLS,
  callTool,
  createAgent,
  exchangeForJag,
  introspect,
  mintAutonomous,
  mintDelegated,
  redeemJag,
  sdkClient,
  startToolGrantWorld,
  upstreamCalls,
  type ToolGrantWorld,
} from "../support/tool-grant-world";

/**
 * Tool-level authorization end to end, over real HTTP on both stores: a
 * token carries exactly the agent's effective tools as RFC 9396
 * authorization_details, and the gateway lets through exactly those — never
 * a sibling tool because it shares the scope.
 */
describe.each(PROVIDERS)("tool-level authorization on %s", (provider) => {
  const suite = suiteDatabase(provider);
  let world: ToolGrantWorld;

  beforeAll(async () => {
    world = await startToolGrantWorld(suite.db);
  });
  afterAll(async () => {
    await world?.close();
  });

  const detailsFor = (world: ToolGrantWorld, actions: string[]) => [
    { type: MCP_TOOLS_TYPE, locations: [world.resource], actions },
  ];

  it("mints only the entitled tool of a shared scope: in the token, the token response, the session and introspection", async () => {
    const agent = await createAgent(world, [world.ids.entitlements.list]);
    const t = await mintAutonomous(world, agent.clientId, "chat:read");
    expect(t.status).toBe(200);
    expect(t.claims).toMatchObject({ scope: "chat:read", authorization_details: detailsFor(world, [CHAT_TOOLS.list]) });
    expect(t.body.authorization_details).toEqual(detailsFor(world, [CHAT_TOOLS.list]));
    // The session records what its tokens grant, by tool id.
    const session = await suite.db.agentSession.findUniqueOrThrow({ where: { id: t.sid } });
    expect(session.toolIds).toBe(world.ids.tools.list);
    const minted = await suite.db.auditEvent.findFirstOrThrow({ where: { action: "token.minted", sessionId: t.sid } });
    expect(minted.detail).toMatchObject({ tools: [CHAT_TOOLS.list] });
    // RFC 9396 §9.2: an MCP server enforcing natively learns the same from introspection.
    expect(await introspect(world, agent.clientId, t.token)).toMatchObject({
      active: true,
      scope: "chat:read",
      authorization_details: detailsFor(world, [CHAT_TOOLS.list]),
    });

    // Both metadata documents say which authorization_details type tokens carry and the gateway enforces (RFC 9396 §10, RFC 9728 §2).
    const as = (await (await fetch(`${world.issuer}/.well-known/oauth-authorization-server`)).json()) as Record<
      string,
      unknown
    >;
    expect(as.authorization_details_types_supported).toEqual([MCP_TOOLS_TYPE]);
    const prm = (await (await fetch(`${world.issuer}/.well-known/oauth-protected-resource/mcp/chat`)).json()) as Record<
      string,
      unknown
    >;
    expect(prm).toMatchObject({ resource: world.resource, authorization_details_types_supported: [MCP_TOOLS_TYPE] });

    // Requested scopes still narrow: the tools are those of the granted scopes.
    const wide = await createAgent(world, [world.ids.entitlements.read, world.ids.entitlements.post]);
    const onlyPost = await mintAutonomous(world, wide.clientId, "chat:write");
    expect(onlyPost.claims.authorization_details).toEqual(detailsFor(world, [CHAT_TOOLS.post]));
    const all = await mintAutonomous(world, wide.clientId);
    expect(all.claims).toMatchObject({
      scope: "chat:read chat:write",
      authorization_details: detailsFor(world, [
        CHAT_TOOLS.list,
        CHAT_TOOLS.post,
        CHAT_TOOLS.history,
        CHAT_TOOLS.search,
      ]),
    });
    // A session extended by a later mint records every tool its tokens granted.
    expect(
      (await suite.db.agentSession.findUniqueOrThrow({ where: { id: all.sid } })).toolIds.split(" ").sort(),
    ).toEqual([world.ids.tools.list, world.ids.tools.search, world.ids.tools.history, world.ids.tools.post].sort());
  });

  it("lets the MCP SDK client list and call only that tool; a sibling with the same scope is refused 403 insufficient_scope, never forwarded, audited", async () => {
    const agent = await createAgent(world, [world.ids.entitlements.list]);
    const t = await mintAutonomous(world, agent.clientId, "chat:read");
    const client = await sdkClient(world, t.token);
    try {
      expect((await client.listTools()).tools.map((x) => x.name)).toEqual([CHAT_TOOLS.list]);
      expect((await client.callTool({ name: CHAT_TOOLS.list, arguments: {} })).content).toEqual([
        { type: "text", text: `${CHAT_TOOLS.list} called` },
      ]);

      const before = {
        search: upstreamCalls(world, CHAT_TOOLS.search),
        history: upstreamCalls(world, CHAT_TOOLS.history),
        messages: world.upstream.messages.length,
      };
      for (const sibling of [CHAT_TOOLS.search, CHAT_TOOLS.history]) {
        const refused = await client.callTool({ name: sibling, arguments: { query: "salaries" } }).then(
          () => null,
          (e: unknown) => e,
        );
        expect(refused, sibling).toBeInstanceOf(StreamableHTTPError);
        expect((refused as StreamableHTTPError).code, sibling).toBe(403);
      }
      // The upstream never saw them: not a call, not a message.
      expect(upstreamCalls(world, CHAT_TOOLS.search)).toBe(before.search);
      expect(upstreamCalls(world, CHAT_TOOLS.history)).toBe(before.history);
      expect(world.upstream.messages.length).toBe(before.messages);
    } finally {
      await client.close();
    }

    // Raw HTTP: the challenge is insufficient_scope, naming no scope (no scope grants a tool the agent is not entitled to).
    const raw = await callTool(world, t.token, CHAT_TOOLS.search);
    expect(raw.status).toBe(403);
    expect(raw.challenge).toContain('error="insufficient_scope"');
    expect(raw.challenge).not.toContain("scope=");

    await world.gateway.audit.flush();
    const refused = await suite.db.auditEvent.findMany({
      where: { action: "tool.call_refused", sessionId: t.sid },
      orderBy: { seq: "asc" },
    });
    expect(refused.map((e) => e.reason)).toContain(
      `tool_not_granted: tool ${CHAT_TOOLS.search} is not granted to this session`,
    );
    expect(refused.map((e) => e.reason)).toContain(
      `tool_not_granted: tool ${CHAT_TOOLS.history} is not granted to this session`,
    );
    expect(refused.every((e) => e.decision === "deny")).toBe(true);
    // An allow names the tool grant that allowed it, not only the scope.
    const allowed = await suite.db.auditEvent.findFirstOrThrow({ where: { action: "tool.called", sessionId: t.sid } });
    expect(allowed).toMatchObject({
      decision: "allow",
      targetId: world.ids.tools.list,
      reason: `tool ${CHAT_TOOLS.list} granted to this session (authorization_details; scope chat:read)`,
    });
  });

  it("carries the tools through token exchange: the ID-JAG holds what agent and person both reach, jwt-bearer never widens beyond it", async () => {
    const person = await suite.db.user.create({
      data: { email: "dana@acme.example", displayName: "Dana", idpIssuer: world.idp.issuer, idpSubject: "dana" },
    });
    // The person reaches list + search (a narrowed read grant); the agent all three read tools and post.
    await suite.db.assignment.create({
      data: {
        entitlementId: world.ids.entitlements.read,
        principalType: "user",
        userId: person.id,
        justification: "test grant",
        excludedToolIds: [world.ids.tools.history],
      },
    });
    const agent = await createAgent(world, [world.ids.entitlements.read, world.ids.entitlements.post], "delegated");
    const { jag, access } = await mintDelegated(world, agent.clientId, "dana");
    expect(jag.status).toBe(200);
    const both = detailsFor(world, [CHAT_TOOLS.list, CHAT_TOOLS.search]);
    expect(jag.claims).toMatchObject({ scope: "chat:read", authorization_details: both });
    expect(jag.body.authorization_details).toEqual(both);
    expect(access.status).toBe(200);
    expect(access.claims).toMatchObject({
      scope: "chat:read",
      authorization_details: both,
      act: { sub: agent.clientId },
    });
    // The same set the mint's function computes, and the same the gateway enforces.
    const computed = await effectiveAccessOnBehalfOf(suite.db, agent.id, person.id);
    expect(computed.tools.filter((t) => t.resourceUri === world.resource).map((t) => t.toolName)).toEqual([
      CHAT_TOOLS.list,
      CHAT_TOOLS.search,
    ]);
    expect((await callTool(world, access.token, CHAT_TOOLS.search)).status).toBe(200);
    expect((await callTool(world, access.token, CHAT_TOOLS.history)).status).toBe(403);

    // Granted more after the ID-JAG was issued: the access token it is redeemed for still carries only the ID-JAG's tools.
    const issuedBefore = await exchangeForJag(world, agent.clientId, "dana");
    const history = await suite.db.assignment.create({
      data: {
        entitlementId: world.ids.entitlements.read,
        principalType: "user",
        userId: person.id,
        justification: "history too, from now on",
      },
    });
    const redeemed = await redeemJag(world, agent.clientId, issuedBefore.token);
    expect(redeemed.status).toBe(200);
    expect(redeemed.claims.authorization_details).toEqual(both);
    expect((await callTool(world, redeemed.token, CHAT_TOOLS.history)).status).toBe(403);
    // A new exchange reaches the new tool…
    const all = detailsFor(world, [CHAT_TOOLS.list, CHAT_TOOLS.history, CHAT_TOOLS.search]);
    const issuedWide = await exchangeForJag(world, agent.clientId, "dana");
    expect(issuedWide.claims.authorization_details).toEqual(all);
    // …and narrows to what both still reach when it is redeemed after the grant ended (ID-JAG ∩ current access).
    await suite.db.assignment.update({ where: { id: history.id }, data: { endedAt: new Date() } });
    const afterEnd = await redeemJag(world, agent.clientId, issuedWide.token);
    expect(afterEnd.claims.authorization_details).toEqual(both);
    expect(await introspect(world, agent.clientId, afterEnd.token)).toMatchObject({
      active: true,
      authorization_details: both,
    });
    // Introspection of the ID-JAG itself (a natively enforcing server's authorization server may ask) carries them too.
    const jagIntrospected = await exchangeForJag(world, agent.clientId, "dana");
    expect(await introspect(world, agent.clientId, jagIntrospected.token)).toMatchObject({
      active: true,
      token_type: "N_A",
      authorization_details: both,
    });
  });
});
