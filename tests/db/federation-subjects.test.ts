import { createHash, randomBytes } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { decodeJwt, decodeProtectedHeader } from "jose";
import * as client from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "@/lib/auth/principal";
import { createDb, type Db } from "@/lib/db/client";
import { createScimToken } from "@/lib/directory/scim-tokens";
import type { OAuthContext } from "@/lib/oauth/context";
import { createOAuthContext } from "@/lib/oauth/create-context";
import { GRANT_JWT_BEARER, GRANT_TOKEN_EXCHANGE, TOKEN_TYPE_ID_JAG, TOKEN_TYPE_ID_TOKEN } from "@/lib/oauth/defaults";
import { RemoteJwks } from "@/lib/oauth/remote-jwks";
import { createProtocolServer } from "@/server/protocol-server";
import { freshDatabase, PROVIDERS, type FreshDatabase } from "../support/databases";
import { bindAgentToIdp, startEnterpriseIdp, type EnterpriseIdp } from "../support/enterprise-idp";
import { oktaUser, scimClient } from "../support/scim-client";

process.env.MANDATE_MASTER_KEY ??= randomBytes(32).toString("base64url");

const RESOURCE = "https://mcp.acme.example/docs";
const SECRET = "federation-secret-" + randomBytes(8).toString("hex");
const ADMIN: Principal = { kind: "system", label: "federation test", roles: ["admin"] };
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/**
 * Who an enterprise IdP's ID token may be exchanged by, and whom it names —
 * over real HTTP, on both stores: a real oidc-provider issues the ID tokens
 * (to one client per agent), openid-client is the agent, SCIM provisions the
 * people. The IdP's subjects here are opaque ids, as Okta's and Entra's are,
 * so a person is found by (issuer, subject) or not at all.
 */
describe.each(PROVIDERS)("enterprise IdP subjects and binding on %s", (provider) => {
  let fresh: FreshDatabase;
  let db: Db;
  let ctx: OAuthContext;
  let server: Server;
  let issuer: string;
  let idp: EnterpriseIdp;
  let emailIdp: EnterpriseIdp;
  const agents = { assistant: "", other: "" };
  let docsEntitlement = "";

  beforeAll(async () => {
    fresh = await freshDatabase(provider);
    db = createDb(fresh.config);
    server = createProtocolServer((ctx = createOAuthContext(db, { issuer: "http://placeholder" })));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // No cooldown between JWKS refetches: the rotation test asks for one right after the first fetch.
    Object.assign(ctx, { issuer, remoteJwks: new RemoteJwks({ cooldownDuration: 0 }) });
    idp = await startEnterpriseIdp();
    // An IdP whose tokens carry an email that it has not verified (no email_verified claim).
    emailIdp = await startEnterpriseIdp({ claims: (sub) => ({ sub, email: `${sub}@acme.example` }) });

    const docs = await db.mcpServer.create({
      data: { name: "Docs", slug: "docs", resourceUri: RESOURCE, enforcementMode: "gateway" },
    });
    const read = await db.tool.create({
      data: { serverId: docs.id, name: "read_doc", scope: "docs.read", status: "approved" },
    });
    const ent = await db.entitlement.create({
      data: { name: "docs-read", serverId: docs.id, tools: { create: [{ toolId: read.id }] } },
    });
    docsEntitlement = ent.id;
    for (const name of ["assistant", "other"] as const) {
      const row = await db.agent.create({
        data: {
          clientId: name,
          name,
          kind: "delegated",
          authMethod: "client_secret_basic",
          clientSecretHash: sha256(SECRET),
          allowedGrantTypes: `${GRANT_TOKEN_EXCHANGE} ${GRANT_JWT_BEARER}`,
        },
      });
      agents[name] = row.id;
      await db.assignment.create({
        data: { entitlementId: ent.id, principalType: "agent", agentId: row.id, justification: "test" },
      });
    }
    await db.trustedIdp.create({ data: { name: "Acme IdP", issuer: idp.issuer, jwksUri: idp.jwksUri } });
    await db.trustedIdp.create({
      data: { name: "Email IdP", issuer: emailIdp.issuer, jwksUri: emailIdp.jwksUri, userMatch: "email" },
    });
    // Each agent is its own client at each IdP, named after its Mandate client id.
    for (const [iss, id] of [
      [idp.issuer, agents.assistant],
      [idp.issuer, agents.other],
      [emailIdp.issuer, agents.assistant],
    ] as const)
      await bindAgentToIdp(db, iss, id);
  });

  afterAll(async () => {
    await new Promise<void>((r) => (server ? (server.closeAllConnections(), server.close(() => r())) : r()));
    await idp?.close();
    await emailIdp?.close();
    await db?.$disconnect();
    await fresh?.drop();
  });

  const entitle = (userId: string) =>
    db.assignment.create({
      data: { entitlementId: docsEntitlement, principalType: "user", userId, justification: "test" },
    });

  /** SCIM provisioning with a token that says which IdP its externalIds belong to (or none). */
  async function provision(login: string, externalId: string, opts: { forIdp: string | null }): Promise<string> {
    const idpRow = opts.forIdp ? await db.trustedIdp.findUniqueOrThrow({ where: { issuer: opts.forIdp } }) : null;
    const { token } = await createScimToken(db, ADMIN, {
      name: `Okta ${randomBytes(3).toString("hex")}`,
      trustedIdpId: idpRow?.id ?? null,
    });
    const res = await scimClient(`${issuer}/scim/v2`, token).post(
      "/Users",
      oktaUser(login, "Test", "Person", { externalId }),
    );
    expect(res.status).toBe(201);
    const id = String(res.body.id);
    await entitle(id);
    return id;
  }

  const configFor = (clientId: string) =>
    client.discovery(new URL(issuer), clientId, undefined, client.ClientSecretBasic(SECRET), {
      execute: [client.allowInsecureRequests],
    });

  /** Token exchange as `clientId`: the ID-JAG, or the OAuth error the server answered. */
  async function exchange(
    clientId: string,
    subjectToken: string,
  ): Promise<{ jag?: string; error?: string; description?: string }> {
    try {
      const res = await client.genericGrantRequest(await configFor(clientId), GRANT_TOKEN_EXCHANGE, {
        requested_token_type: TOKEN_TYPE_ID_JAG,
        subject_token: subjectToken,
        subject_token_type: TOKEN_TYPE_ID_TOKEN,
        audience: issuer,
        resource: RESOURCE,
      });
      return { jag: res.access_token };
    } catch (e) {
      if (e instanceof client.ResponseBodyError) return { error: e.error, description: e.error_description };
      throw e;
    }
  }

  it("refuses an ID token issued to another client, and accepts it from the agent it was issued to", async () => {
    const sub = `00u${randomBytes(6).toString("hex")}`;
    await provision(`p-${sub}@acme.example`, sub, { forIdp: idp.issuer });
    const issuedToOther = await idp.idToken(sub, { clientId: "other" });
    expect(decodeJwt(issuedToOther).aud).toBe("other");

    const stolen = await exchange("assistant", issuedToOther);
    expect(stolen).toMatchObject({ error: "invalid_grant" });
    const refusal = await db.auditEvent.findFirstOrThrow({
      where: { action: "token.refused" },
      orderBy: { seq: "desc" },
    });
    expect(refusal).toMatchObject({ actorLabel: "assistant", decision: "deny" });
    expect(refusal.reason).toContain("issued to another client");

    // An IdP client that is no agent's at all is refused the same way.
    expect(await exchange("assistant", await idp.idToken(sub, { clientId: "unbound-app" }))).toMatchObject({
      error: "invalid_grant",
    });
    expect(await exchange("other", issuedToOther)).toMatchObject({ jag: expect.any(String) });
  });

  it("matches a SCIM-provisioned person by (issuer, subject) before they ever sign in, and names them so in the ID-JAG", async () => {
    const sub = `00u${randomBytes(6).toString("hex")}`;
    const personId = await provision(`new-${sub}@acme.example`, sub, { forIdp: idp.issuer });
    expect(await db.user.findUniqueOrThrow({ where: { id: personId } })).toMatchObject({
      source: "scim",
      idpIssuer: idp.issuer,
      idpSubject: sub,
      externalId: sub,
    });

    const { jag } = await exchange("assistant", await idp.idToken(sub, { clientId: "assistant" }));
    expect(jag).toBeDefined();
    expect(decodeProtectedHeader(jag!).typ).toBe("oauth-id-jag+jwt");
    expect(decodeJwt(jag!)).toMatchObject({
      sub,
      sub_id: { format: "iss_sub", iss: idp.issuer, sub },
      client_id: "assistant",
      resource: RESOURCE,
    });

    // The ID-JAG redeems for a token acting for that very person.
    const at = await client.genericGrantRequest(await configFor("assistant"), GRANT_JWT_BEARER, { assertion: jag! });
    const session = await db.agentSession.findUniqueOrThrow({ where: { id: String(decodeJwt(at.access_token).sid) } });
    expect(session.userId).toBe(personId);
  });

  it("does not match by externalId a person provisioned by a SCIM client that speaks for no IdP", async () => {
    const sub = `00u${randomBytes(6).toString("hex")}`;
    const personId = await provision(`anon-${sub}@acme.example`, sub, { forIdp: null });
    expect(await db.user.findUniqueOrThrow({ where: { id: personId } })).toMatchObject({
      idpIssuer: null,
      idpSubject: null,
      externalId: sub,
    });
    const refused = await exchange("assistant", await idp.idToken(sub, { clientId: "assistant" }));
    expect(refused).toMatchObject({ error: "invalid_grant" });
  });

  it("matches by email only when the IdP says the email is verified", async () => {
    const who = `mail-${randomBytes(4).toString("hex")}`;
    await provision(`${who}@acme.example`, `ext-${who}`, { forIdp: null });
    const unverified = await emailIdp.idToken(who, { clientId: "assistant" });
    expect(decodeJwt(unverified)).toMatchObject({ email: `${who}@acme.example` });
    expect(decodeJwt(unverified).email_verified).toBeUndefined();
    const refused = await exchange("assistant", unverified);
    expect(refused).toMatchObject({ error: "invalid_grant" });
    expect(
      (await db.auditEvent.findFirstOrThrow({ where: { action: "token.refused" }, orderBy: { seq: "desc" } })).reason,
    ).toContain("no verified email");
  });

  it("follows a key rotation at the IdP: a token signed with the new key is accepted without a restart", async () => {
    const sub = `00u${randomBytes(6).toString("hex")}`;
    await provision(`rot-${sub}@acme.example`, sub, { forIdp: idp.issuer });
    const before = await idp.idToken(sub, { clientId: "assistant" });
    expect(await exchange("assistant", before)).toMatchObject({ jag: expect.any(String) });
    const kid = await idp.rotateKeys();
    const after = await idp.idToken(sub, { clientId: "assistant" });
    expect(decodeProtectedHeader(after).kid).toBe(kid);
    expect(await exchange("assistant", after)).toMatchObject({ jag: expect.any(String) });
  });
});
