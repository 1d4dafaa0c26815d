import { exportJWK, generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "@/lib/auth/principal";
import { createDb, type Db } from "@/lib/db/client";
import {
  addAgentIdpClient,
  addTrustedIssuer,
  getTrustedIssuer,
  listTrustedIssuers,
  removeAgentIdpClient,
  removeTrustedIssuer,
  testTrustedIssuer,
  updateTrustedIssuer,
} from "@/lib/federation/trusted-issuers";
import { idpCommand } from "@/scripts/cli/commands/idp";
import { freshDatabase, PROVIDERS, type FreshDatabase } from "../support/databases";
import { startEnterpriseIdp, type EnterpriseIdp } from "../support/enterprise-idp";

const ADMIN: Principal = { kind: "system", label: "trusted issuer test", roles: ["admin"] };

/** Settings → Identity providers, below the console: discovery against a real oidc-provider, keys, bindings, audit. */
describe.each(PROVIDERS)("trusted issuers on %s", (provider) => {
  let fresh: FreshDatabase;
  let db: Db;
  let idp: EnterpriseIdp;

  beforeAll(async () => {
    fresh = await freshDatabase(provider);
    db = createDb(fresh.config);
    idp = await startEnterpriseIdp();
  });

  afterAll(async () => {
    await idp?.close();
    await db?.$disconnect();
    await fresh?.drop();
  });

  const lastAudit = () => db.auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" } });

  it("adds an issuer by discovery, shows its published keys on test, and audits each change", async () => {
    const { id } = await addTrustedIssuer(db, ADMIN, {
      name: "Acme IdP",
      issuer: idp.issuer,
      roles: ["enterprise_idp", "id_jag_issuer"],
    });
    const view = await getTrustedIssuer(db, id);
    expect(view).toMatchObject({
      issuer: idp.issuer,
      jwksUri: idp.jwksUri,
      keySource: "jwks_uri",
      roles: ["enterprise_idp", "id_jag_issuer"],
      userMatch: "sub",
      enabled: true,
    });
    expect(await lastAudit()).toMatchObject({ action: "trusted_issuer.added", targetId: id, decision: "allow" });

    const tested = await testTrustedIssuer(db, id);
    expect(tested.source).toBe(idp.jwksUri);
    expect(tested.keys).toEqual([expect.objectContaining({ kid: "idp-key-1", kty: "RSA" })]);
    const kid = await idp.rotateKeys();
    expect((await testTrustedIssuer(db, id)).keys.map((k) => k.kid)).toEqual([kid, "idp-key-1"]);

    await expect(
      addTrustedIssuer(db, ADMIN, { name: "Acme again", issuer: idp.issuer, roles: ["enterprise_idp"] }),
    ).rejects.toMatchObject({ code: "conflict", field: "issuer" });
    await updateTrustedIssuer(db, ADMIN, id, {
      name: "Acme IdP",
      issuer: idp.issuer,
      roles: ["enterprise_idp"],
      algorithms: ["RS256"],
      userMatch: "email",
    });
    expect(await getTrustedIssuer(db, id)).toMatchObject({
      roles: ["enterprise_idp"],
      algorithms: ["RS256"],
      userMatch: "email",
    });
    const updated = await lastAudit();
    expect(updated).toMatchObject({ action: "trusted_issuer.updated", targetId: id });
    expect(updated.detail).toMatchObject({ before: { userMatch: "sub" }, after: { userMatch: "email" } });
  });

  it("refuses metadata naming another issuer, private keys in a static set, and insecure issuer URLs; stores nothing", async () => {
    const count = await db.trustedIdp.count();
    const lying = async () =>
      new Response(JSON.stringify({ issuer: "https://evil.example", jwks_uri: "https://evil.example/jwks" }), {
        status: 200,
      });
    await expect(
      addTrustedIssuer(
        db,
        ADMIN,
        { name: "Liar", issuer: "https://idp.liar.example", roles: ["enterprise_idp"] },
        { fetch: lying },
      ),
    ).rejects.toMatchObject({ code: "invalid", field: "issuer" });
    const { privateKey } = await generateKeyPair("ES256", { extractable: true });
    const privateJwk = await exportJWK(privateKey);
    await expect(
      addTrustedIssuer(db, ADMIN, {
        name: "Leaky",
        issuer: "https://leaky.example",
        roles: ["id_jag_issuer"],
        keySource: "jwks",
        jwks: { keys: [privateJwk] },
      }),
    ).rejects.toMatchObject({ field: "jwks" });
    await expect(
      addTrustedIssuer(db, ADMIN, {
        name: "Plain",
        issuer: "http://idp.example",
        roles: ["enterprise_idp"],
        keySource: "jwks_uri",
        jwksUri: "http://idp.example/jwks",
      }),
    ).rejects.toThrow();
    expect(await db.trustedIdp.count()).toBe(count);
  });

  it("records delegated agents' client ids at the IdP, one agent per client id, and removes them with the issuer", async () => {
    const { publicKey } = await generateKeyPair("ES256", { extractable: true });
    const { id } = await addTrustedIssuer(db, ADMIN, {
      name: "Static IdP",
      issuer: "https://static-idp.example",
      roles: ["enterprise_idp"],
      keySource: "jwks",
      jwks: JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: "s1" }] }),
    });
    expect((await testTrustedIssuer(db, id)).keys).toEqual([expect.objectContaining({ kid: "s1", kty: "EC" })]);
    const agent = await db.agent.create({
      data: { clientId: "assistant", name: "Assistant", kind: "delegated", authMethod: "none", allowedGrantTypes: "" },
    });
    const robot = await db.agent.create({
      data: { clientId: "robot", name: "Robot", kind: "autonomous", authMethod: "none", allowedGrantTypes: "" },
    });
    const bound = await addAgentIdpClient(db, ADMIN, { idpId: id, agentId: agent.id, clientId: "0oa-assistant" });
    expect(await lastAudit()).toMatchObject({ action: "trusted_issuer.agent_client_added", targetId: agent.id });
    await expect(
      addAgentIdpClient(db, ADMIN, { idpId: id, agentId: agent.id, clientId: "0oa-assistant" }),
    ).rejects.toMatchObject({ code: "conflict" });
    await expect(
      addAgentIdpClient(db, ADMIN, { idpId: id, agentId: robot.id, clientId: "0oa-robot" }),
    ).rejects.toMatchObject({ code: "invalid", field: "agentId" });
    expect((await getTrustedIssuer(db, id))?.agentClients).toEqual([
      { id: bound.id, agentId: agent.id, agentName: "Assistant", clientId: "0oa-assistant" },
    ]);
    await removeAgentIdpClient(db, ADMIN, bound.id);
    await addAgentIdpClient(db, ADMIN, { idpId: id, agentId: agent.id, clientId: "0oa-assistant-2" });

    await removeTrustedIssuer(db, ADMIN, id);
    expect(await lastAudit()).toMatchObject({ action: "trusted_issuer.removed", targetId: id });
    expect(await db.agentIdpClient.count({ where: { idpId: id } })).toBe(0);
    expect((await listTrustedIssuers(db)).map((i) => i.name)).not.toContain("Static IdP");
  });

  it("is managed from the CLI without a browser: add by discovery, list, test, bind, remove — audited as the OS user", async () => {
    const other = await startEnterpriseIdp();
    try {
      const lines: string[] = [];
      const env = { DATABASE_URL: fresh.config.provider === "sqlite" ? `file:${fresh.config.file}` : fresh.config.url };
      const io = { env, log: (l: string) => lines.push(l) };
      expect(
        await idpCommand.run(
          ["add", "--name", "CLI IdP", "--issuer", other.issuer, "--role", "enterprise_idp", "--role", "id_jag_issuer"],
          io,
        ),
      ).toBe(0);
      const added = await db.trustedIdp.findUniqueOrThrow({ where: { issuer: other.issuer } });
      expect(added).toMatchObject({ jwksUri: other.jwksUri, roles: "enterprise_idp id_jag_issuer" });
      expect((await lastAudit()).actorLabel).toMatch(/^mandate idp \(OS user .+\)$/);

      expect(await idpCommand.run(["list"], io)).toBe(0);
      expect(
        lines.some((l) => l.startsWith(`CLI IdP\t${other.issuer}\tenterprise_idp,id_jag_issuer\t${other.jwksUri}`)),
      ).toBe(true);
      expect(await idpCommand.run(["test", "--issuer", other.issuer], io)).toBe(0);
      expect(lines).toContain("1 key from " + other.jwksUri);

      await db.agent.create({
        data: {
          clientId: "cli-assistant",
          name: "CLI assistant",
          kind: "delegated",
          authMethod: "none",
          allowedGrantTypes: "",
        },
      });
      expect(
        await idpCommand.run(
          ["bind", "--issuer", other.issuer, "--agent", "cli-assistant", "--idp-client-id", "0oa-cli"],
          io,
        ),
      ).toBe(0);
      expect(await db.agentIdpClient.count({ where: { idpId: added.id, clientId: "0oa-cli" } })).toBe(1);

      await expect(
        idpCommand.run(["add", "--name", "Bad", "--issuer", other.issuer, "--role", "root"], io),
      ).rejects.toThrow(/unknown role/);
      expect(await idpCommand.run(["remove", "--issuer", other.issuer], io)).toBe(0);
      expect(await db.trustedIdp.count({ where: { issuer: other.issuer } })).toBe(0);
    } finally {
      await other.close();
    }
  });

  it("maps workload identities to autonomous agents from the CLI: map, workloads, unmap — only at a workload issuer", async () => {
    const other = await startEnterpriseIdp();
    try {
      const lines: string[] = [];
      const env = { DATABASE_URL: fresh.config.provider === "sqlite" ? `file:${fresh.config.file}` : fresh.config.url };
      const io = { env, log: (l: string) => lines.push(l) };
      expect(
        await idpCommand.run(["add", "--name", "CI issuer", "--issuer", other.issuer, "--role", "enterprise_idp"], io),
      ).toBe(0);
      await db.agent.create({
        data: {
          clientId: "cli-deployer",
          name: "CLI deployer",
          kind: "autonomous",
          authMethod: "client_secret_basic",
          allowedGrantTypes: "client_credentials",
        },
      });
      const map = [
        "map",
        "--issuer",
        other.issuer,
        "--agent",
        "cli-deployer",
        "--sub",
        "repo:acme/app:ref:refs/heads/main",
        "--claim",
        "repository=acme/app",
      ];
      await expect(idpCommand.run(map, io)).rejects.toThrow(/not a workload issuer/);
      await db.trustedIdp.update({ where: { issuer: other.issuer }, data: { roles: "workload_issuer" } });
      expect(await idpCommand.run(map, io)).toBe(0);
      const rule = await db.agentWorkloadIdentity.findFirstOrThrow({
        where: { subject: "repo:acme/app:ref:refs/heads/main" },
      });
      expect(rule.claims).toEqual({ repository: "acme/app" });
      expect(await lastAudit()).toMatchObject({
        action: "trusted_issuer.workload_identity_added",
        targetLabel: "CLI deployer",
      });
      expect(await idpCommand.run(["workloads", "--issuer", other.issuer], io)).toBe(0);
      expect(lines).toContain(
        `${rule.id}\t${other.issuer}\tsub=repo:acme/app:ref:refs/heads/main\trepository=acme/app\t→ cli-deployer`,
      );
      expect(await idpCommand.run(["unmap", "--id", rule.id], io)).toBe(0);
      expect(await lastAudit()).toMatchObject({ action: "trusted_issuer.workload_identity_removed" });
      expect(await db.agentWorkloadIdentity.count({ where: { id: rule.id } })).toBe(0);
      expect(await idpCommand.run(["remove", "--issuer", other.issuer], io)).toBe(0);
    } finally {
      await other.close();
    }
  });
});
