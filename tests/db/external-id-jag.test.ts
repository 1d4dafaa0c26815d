import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MCP_TOOLS_TYPE } from "@/lib/oauth/authorization-details";
import { PROVIDERS } from "../support/databases";
import { suiteDatabase } from "../support/suite-database";
import {
  CHAT_TOOLS,
  callTool,
  createAgent,
  redeemJag,
  sdkClient,
  startToolGrantWorld,
  upstreamCalls,
  type ToolGrantWorld,
} from "../support/tool-grant-world";

/**
 * The enterprise IdP (a real oidc-provider, publishing its keys at its
 * jwks_uri) issues the ID-JAG itself, as Okta's Cross App Access does; Mandate
 * is the authorization server of its gateway server Chat and redeems it at
 * jwt-bearer — once, only for its resource and its client, and never beyond
 * what Mandate's own policy lets the agent and the person reach.
 */
describe.each(PROVIDERS)("external ID-JAGs on %s", (provider) => {
  const suite = suiteDatabase(provider);
  let world: ToolGrantWorld;
  let personId = "";

  beforeAll(async () => {
    world = await startToolGrantWorld(suite.db);
    await suite.db.trustedIdp.update({
      where: { issuer: world.idp.issuer },
      data: { roles: "enterprise_idp id_jag_issuer" },
    });
    const person = await suite.db.user.create({
      data: { email: "fay@acme.example", displayName: "Fay", idpIssuer: world.idp.issuer, idpSubject: "00u-fay" },
    });
    personId = person.id;
    // Fay reaches list + search; the agent reaches the three read tools and post.
    await suite.db.assignment.create({
      data: {
        entitlementId: world.ids.entitlements.read,
        principalType: "user",
        userId: person.id,
        justification: "test grant",
        excludedToolIds: [world.ids.tools.history],
      },
    });
  });
  afterAll(async () => {
    await world?.close();
  });

  const jagFor = (clientId: string, claims: Record<string, unknown> = {}, opts?: { typ?: string }) =>
    world.idp.signIdJag(
      {
        sub: "00u-fay",
        aud: world.issuer,
        client_id: clientId,
        resource: world.resource,
        scope: "chat:read chat:write",
        ...claims,
      },
      opts,
    );

  it("redeems the IdP's ID-JAG once for a token whose tools are its scopes ∩ Mandate's access, usable with the MCP SDK", async () => {
    const agent = await createAgent(world, [world.ids.entitlements.read, world.ids.entitlements.post], "delegated");
    const jag = await jagFor(agent.clientId);
    const access = await redeemJag(world, agent.clientId, jag);
    expect(access.status).toBe(200);
    // chat:write is in the ID-JAG and the agent's grants, but Fay has no post: Mandate's policy decides.
    const tools = [
      { type: MCP_TOOLS_TYPE, locations: [world.resource], actions: [CHAT_TOOLS.list, CHAT_TOOLS.search] },
    ];
    expect(access.claims).toMatchObject({
      iss: world.issuer,
      sub: personId,
      aud: world.resource,
      scope: "chat:read",
      act: { sub: agent.clientId },
      authorization_details: tools,
    });
    const session = await suite.db.agentSession.findUniqueOrThrow({ where: { id: access.sid } });
    expect(session).toMatchObject({ userId: personId, status: "active" });

    const mcp = await sdkClient(world, access.token);
    try {
      expect((await mcp.listTools()).tools.map((t) => t.name).sort()).toEqual(
        [CHAT_TOOLS.list, CHAT_TOOLS.search].sort(),
      );
      const before = upstreamCalls(world, CHAT_TOOLS.search);
      await mcp.callTool({ name: CHAT_TOOLS.search, arguments: {} });
      expect(upstreamCalls(world, CHAT_TOOLS.search)).toBe(before + 1);
    } finally {
      await mcp.close();
    }
    expect((await callTool(world, access.token, CHAT_TOOLS.post)).status).toBe(403);

    // Once: the same (iss, jti) again is a replay.
    const replay = await redeemJag(world, agent.clientId, jag);
    expect(replay).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  it("refuses it for another client, another resource, a wrong audience or typ, a long life, and from an issuer without the role", async () => {
    const agent = await createAgent(world, [world.ids.entitlements.read], "delegated");
    const other = await createAgent(world, [world.ids.entitlements.read], "delegated");
    const refused = async (clientId: string, jag: string, error = "invalid_grant") => {
      const r = await redeemJag(world, clientId, jag);
      expect(r.status, JSON.stringify(r.body)).toBeGreaterThanOrEqual(400);
      expect(r.body.error).toBe(error);
      expect(r.token).toBe("");
    };
    await refused(other.clientId, await jagFor(agent.clientId));
    await refused(
      agent.clientId,
      await jagFor(agent.clientId, { resource: "https://elsewhere.example/mcp" }),
      "invalid_target",
    );
    await refused(agent.clientId, await jagFor(agent.clientId, { aud: "https://another-as.example" }));
    await refused(agent.clientId, await jagFor(agent.clientId, {}, { typ: "JWT" }));
    const now = Math.floor(Date.now() / 1000);
    await refused(agent.clientId, await jagFor(agent.clientId, { iat: now, exp: now + 86_400 }));
    await refused(agent.clientId, await jagFor(agent.clientId, { sub: "00u-stranger" }));
    await refused(agent.clientId, await jagFor(agent.clientId, { scope: undefined }), "invalid_scope");

    await suite.db.trustedIdp.update({ where: { issuer: world.idp.issuer }, data: { roles: "enterprise_idp" } });
    try {
      await refused(agent.clientId, await jagFor(agent.clientId));
    } finally {
      await suite.db.trustedIdp.update({
        where: { issuer: world.idp.issuer },
        data: { roles: "enterprise_idp id_jag_issuer" },
      });
    }
  });
});
