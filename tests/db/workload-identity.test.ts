import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { decodeJwt } from "jose";
import type { Db } from "@/lib/db/client";
import { GET as listRules, POST as postRule } from "@/app/api/v1/identity-providers/[id]/workload-identities/route";
import { DELETE as deleteRule } from "@/app/api/v1/identity-providers/[id]/workload-identities/[ruleId]/route";
import { apiKeyCommand } from "@/scripts/cli/commands/credentials";
import { MCP_TOOLS_TYPE } from "@/lib/oauth/authorization-details";
import { GRANT_JWT_BEARER } from "@/lib/oauth/defaults";
import {
  addWorkloadIdentity,
  listWorkloadIdentities,
  removeWorkloadIdentity,
} from "@/lib/federation/workload-identities";
import { PROVIDERS } from "../support/databases";
import { suiteDatabase } from "../support/suite-database";
import {
  ADMIN,
  CHAT_TOOLS,
  callTool,
  createAgent,
  startToolGrantWorld,
  type ToolGrantWorld,
} from "../support/tool-grant-world";

// The JSON API authenticates bearer keys against getDb(); no console session is involved.
vi.mock("@/app/_server/principal", () => ({ getPrincipal: vi.fn(async () => null) }));

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

/**
 * The MCP workload identity federation extension: a workload presents its
 * platform's JWT (here signed by the real oidc-provider's published key, as a
 * Kubernetes or CI issuer would) at jwt-bearer with no client authentication,
 * and an admin-written rule names the autonomous agent it acts as.
 */
describe.each(PROVIDERS)("workload identity federation on %s", (provider) => {
  const suite = suiteDatabase(provider);
  let world: ToolGrantWorld;
  let idpId = "";
  let agent: { id: string; clientId: string };
  const subject = "system:serviceaccount:payments:reconciler";

  beforeAll(async () => {
    world = await startToolGrantWorld(suite.db);
    const idp = await suite.db.trustedIdp.update({
      where: { issuer: world.idp.issuer },
      data: { roles: "enterprise_idp workload_issuer" },
    });
    idpId = idp.id;
    agent = await createAgent(world, [world.ids.entitlements.read]);
    await addWorkloadIdentity(suite.db, ADMIN, {
      idpId,
      agentId: agent.id,
      subject,
      claims: { "kubernetes.io/namespace": "payments" },
    });
  });
  afterAll(async () => {
    await world?.close();
  });

  const workloadJwt = (claims: Record<string, unknown> = {}) =>
    world.idp.signIdJag(
      {
        sub: subject,
        aud: `${world.issuer}/oauth/token`,
        "kubernetes.io": { namespace: "payments" },
        client_id: undefined,
        ...claims,
      },
      { typ: "JWT" },
    );

  /** The extension's request: grant_type, assertion, resource — no client authentication, no client_id. */
  async function redeem(assertion: string): Promise<{ status: number; body: Record<string, unknown>; token: string }> {
    const r = await fetch(`${world.issuer}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: GRANT_JWT_BEARER, assertion, resource: world.resource }),
    });
    const body = (await r.json()) as Record<string, unknown>;
    return { status: r.status, body, token: typeof body.access_token === "string" ? body.access_token : "" };
  }

  it("maps a workload JWT signed by the issuer's key to its agent and mints the agent's own access, once", async () => {
    const jwt = await workloadJwt();
    const r = await redeem(jwt);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const tools = [
      {
        type: MCP_TOOLS_TYPE,
        locations: [world.resource],
        actions: [CHAT_TOOLS.list, CHAT_TOOLS.search, CHAT_TOOLS.history].sort(),
      },
    ];
    const claims = decodeJwt(r.token);
    expect(claims).toMatchObject({
      iss: world.issuer,
      sub: agent.clientId,
      client_id: agent.clientId,
      aud: world.resource,
      scope: "chat:read",
    });
    expect(
      (claims.authorization_details as { actions: string[] }[]).map((d) => ({ ...d, actions: [...d.actions].sort() })),
    ).toEqual(tools);
    expect((await callTool(world, r.token, CHAT_TOOLS.search)).status).toBe(200);
    expect((await callTool(world, r.token, CHAT_TOOLS.post)).status).toBe(403);
    const minted = await suite.db.auditEvent.findFirst({
      where: { action: "token.minted", actorId: agent.id },
      orderBy: { id: "desc" },
    });
    expect(minted).not.toBeNull();

    // Replay by (iss, jti).
    const replay = await redeem(jwt);
    expect(replay).toMatchObject({ status: 400, body: { error: "invalid_grant" }, token: "" });
  });

  it("refuses a non-matching sub or claim, a wrong audience, a long life, and an issuer without the workload role, with the reason audited", async () => {
    const refused = async (jwt: string, reason: RegExp) => {
      const r = await redeem(jwt);
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body.error).toBe("invalid_grant");
      expect(String(r.body.error_description)).toMatch(reason);
      expect(r.token).toBe("");
    };
    await refused(
      await workloadJwt({ sub: "system:serviceaccount:payments:other" }),
      /no workload identity rule .* names sub/,
    );
    await refused(await workloadJwt({ "kubernetes.io": { namespace: "default" } }), /kubernetes\.io\/namespace claim/);
    await refused(await workloadJwt({ aud: "https://another-as.example/token" }), /aud/);
    const now = Math.floor(Date.now() / 1000);
    await refused(await workloadJwt({ iat: now, exp: now + 86_400 }), /lifetime/);
    const events = await suite.db.auditEvent.findMany({
      where: { action: "token.refused", reason: { contains: "kubernetes.io/namespace" } },
    });
    expect(events.length).toBeGreaterThan(0);

    // A second agent mapped to the same identity: ambiguous, refused.
    const twin = await createAgent(world, [world.ids.entitlements.list]);
    const rule = await addWorkloadIdentity(suite.db, ADMIN, { idpId, agentId: twin.id, subject });
    await refused(await workloadJwt(), /ambiguous/);
    await removeWorkloadIdentity(suite.db, ADMIN, rule.id);
    expect((await listWorkloadIdentities(suite.db, { idpId })).map((w) => w.agentId)).toEqual([agent.id]);

    // A suspended agent is refused.
    await suite.db.agent.update({ where: { id: agent.id }, data: { status: "suspended" } });
    try {
      await refused(await workloadJwt(), /suspended/);
    } finally {
      await suite.db.agent.update({ where: { id: agent.id }, data: { status: "active" } });
    }

    await suite.db.trustedIdp.update({ where: { id: idpId }, data: { roles: "enterprise_idp" } });
    try {
      await refused(await workloadJwt(), /not a trusted workload issuer/);
    } finally {
      await suite.db.trustedIdp.update({ where: { id: idpId }, data: { roles: "enterprise_idp workload_issuer" } });
    }
    expect((await redeem(await workloadJwt())).status).toBe(200);
  });

  it("writes rules only for autonomous agents at workload issuers, audited", async () => {
    const delegated = await createAgent(world, [], "delegated");
    await expect(
      addWorkloadIdentity(suite.db, ADMIN, { idpId, agentId: delegated.id, subject: "x" }),
    ).rejects.toMatchObject({ field: "agentId" });
    const audited = await suite.db.auditEvent.count({
      where: { action: "trusted_issuer.workload_identity_added", targetId: agent.id },
    });
    expect(audited).toBe(1);
  });

  it("is managed through the JSON API with an admin key: list, add, remove — audited", async () => {
    const holder = globalThis as unknown as { __mandateDb?: Db };
    const previous = holder.__mandateDb;
    holder.__mandateDb = suite.db;
    try {
      const config = suite.fresh.config;
      const lines: string[] = [];
      const env = { DATABASE_URL: config.provider === "sqlite" ? `file:${config.file}` : config.url };
      expect(
        await apiKeyCommand.run(["create", "--name", "Workload bot", "--role", "admin", "--json"], {
          env,
          log: (l) => lines.push(l),
        }),
      ).toBe(0);
      const key = (JSON.parse(lines.at(-1) ?? "{}") as { secret: string }).secret;
      const call = async (
        handler: Handler,
        method: string,
        path: string,
        params: Record<string, string>,
        body?: unknown,
      ) => {
        const res = await handler(
          new NextRequest(`http://mandate.test${path}`, {
            method,
            headers: { authorization: `Bearer ${key}`, ...(body ? { "content-type": "application/json" } : {}) },
            body: body ? JSON.stringify(body) : undefined,
          }),
          { params: Promise.resolve(params) },
        );
        return { status: res.status, body: (await res.json()) as { data?: unknown; error?: { code: string } } };
      };
      const base = `/api/v1/identity-providers/${idpId}/workload-identities`;
      const worker = await createAgent(world, []);
      const added = await call(
        postRule as Handler,
        "POST",
        base,
        { id: idpId },
        { agentId: worker.id, subject: "spiffe://acme.example/ns/batch/sa/worker", claims: { env: "prod" } },
      );
      expect(added.status, JSON.stringify(added.body)).toBe(200);
      const ruleId = (added.body.data as { id: string }).id;
      const listed = await call(listRules as Handler, "GET", base, { id: idpId });
      expect(listed.body.data).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ id: ruleId, agentClientId: worker.clientId, claims: { env: "prod" } }),
        ]),
      );
      expect(
        (await call(postRule as Handler, "POST", base, { id: idpId }, { agentId: worker.id, subject: "" })).status,
      ).toBe(422);
      expect((await call(deleteRule as Handler, "DELETE", `${base}/${ruleId}`, { id: idpId, ruleId })).status).toBe(
        200,
      );
      expect(await suite.db.agentWorkloadIdentity.count({ where: { id: ruleId } })).toBe(0);
      expect(
        await suite.db.auditEvent.count({
          where: { action: "trusted_issuer.workload_identity_removed", targetId: worker.id },
        }),
      ).toBe(1);
    } finally {
      holder.__mandateDb = previous;
    }
  });
});
