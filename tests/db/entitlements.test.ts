import { createHash, generateKeyPairSync } from "node:crypto";
import { exportJWK, generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reactivateAgent } from "@/lib/agents/reactivate-agent";
import { registerAgent } from "@/lib/agents/register-agent";
import { retireAgent } from "@/lib/agents/retire-agent";
import { rotateAgentSecret } from "@/lib/agents/rotate-agent-secret";
import { suspendAgent } from "@/lib/agents/suspend-agent";
import { updateAgent } from "@/lib/agents/update-agent";
import { JWT_BEARER, TOKEN_EXCHANGE } from "@/lib/agents/grant-types";
import { createAssignment } from "@/lib/assignments/create-assignment";
import { endAssignment } from "@/lib/assignments/end-assignment";
import { listAssignments } from "@/lib/assignments/list-assignments";
import { narrowAssignmentIn } from "@/lib/assignments/narrow-assignment";
import { verifyAuditChain } from "@/lib/audit/verify";
import type { Principal } from "@/lib/auth/principal";
import { createDb, type Db } from "@/lib/db/client";
import { createEntitlement } from "@/lib/entitlements/create-entitlement";
import { deleteEntitlement } from "@/lib/entitlements/delete-entitlement";
import {
  clientWithOwnAccess,
  effectiveAccessOfAgent,
  effectiveAccessOfUser,
  effectiveAccessOnBehalfOf,
  intersectAccess,
} from "@/lib/entitlements/effective-access";
import { getEntitlement } from "@/lib/entitlements/get-entitlement";
import { updateEntitlement } from "@/lib/entitlements/update-entitlement";
import { freshDatabase, PROVIDERS, type FreshDatabase } from "../support/databases";

const DAY = 86_400_000;

/** A refusal the domain explains: its code and, when it concerns one input, the field. */
async function refused(promise: Promise<unknown>, code: string, field?: string): Promise<void> {
  await expect(promise).rejects.toMatchObject(
    field === undefined ? { name: "DomainError", code } : { name: "DomainError", code, field },
  );
}

describe.each(PROVIDERS)("agents, entitlements and assignments on %s", (provider) => {
  let fresh: FreshDatabase;
  let db: Db;
  let admin: Principal;
  /** Registers the agents (and so holds their credentials): separation of duties leaves granting them to `admin`. */
  let registrar: Principal;
  // Fixture ids, written directly (the console's own flows are what is under test).
  const ids = {
    admin: "u-admin",
    registrar: "u-registrar",
    owner: "u-owner",
    gone: "u-gone",
    member: "u-member",
    other: "u-other",
    adminsGroup: "g-admins",
    staffGroup: "g-staff",
    github: "s-github",
    crm: "s-crm",
    readIssues: "t-read",
    writeIssues: "t-write",
    deleteRepo: "t-delete",
    pendingTool: "t-pending",
    crmRead: "t-crm",
  };

  const agentInput = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    ownerId: ids.owner,
    purpose: "Triage incoming issues every hour",
    kind: "autonomous" as const,
    authMethod: "client_secret_basic" as const,
    ...extra,
  });

  beforeAll(async () => {
    fresh = await freshDatabase(provider);
    db = createDb(fresh.config);
    const person = (id: string, email: string, active = true) => ({
      id,
      email,
      displayName: email.split("@")[0]!,
      active,
      deactivatedAt: active ? null : new Date(),
    });
    await db.user.createMany({
      data: [
        person(ids.admin, "admin@acme.example"),
        person(ids.registrar, "registrar@acme.example"),
        person(ids.owner, "owner@acme.example"),
        person(ids.gone, "gone@acme.example", false),
        person(ids.member, "member@acme.example"),
        person(ids.other, "other@acme.example"),
      ],
    });
    await db.group.createMany({
      data: [
        { id: ids.adminsGroup, displayName: "IAM admins" },
        { id: ids.staffGroup, displayName: "Support staff" },
      ],
    });
    await db.groupMembership.createMany({
      data: [
        { groupId: ids.adminsGroup, userId: ids.admin },
        { groupId: ids.staffGroup, userId: ids.member },
      ],
    });
    await db.mcpServer.createMany({
      data: [
        {
          id: ids.github,
          name: "GitHub",
          slug: "github",
          resourceUri: "https://mcp.acme.example/github",
          enforcementMode: "gateway",
        },
        {
          id: ids.crm,
          name: "CRM",
          slug: "crm",
          resourceUri: "https://mcp.acme.example/crm",
          enforcementMode: "native",
        },
      ],
    });
    const tool = (
      id: string,
      serverId: string,
      name: string,
      risk: "read" | "write" | "destructive",
      status: "approved" | "pending" = "approved",
    ) => ({ id, serverId, name, risk, status, scope: `${name}:call` });
    await db.tool.createMany({
      data: [
        tool(ids.readIssues, ids.github, "read_issues", "read"),
        tool(ids.writeIssues, ids.github, "write_issues", "write"),
        tool(ids.deleteRepo, ids.github, "delete_repo", "destructive"),
        tool(ids.pendingTool, ids.github, "run_workflow", "write", "pending"),
        tool(ids.crmRead, ids.crm, "read_accounts", "read"),
      ],
    });
    admin = {
      kind: "user",
      userId: ids.admin,
      email: "admin@acme.example",
      displayName: "admin",
      roles: ["admin"],
      consoleSessionId: "cs-test",
    };
    registrar = {
      kind: "user",
      userId: ids.registrar,
      email: "registrar@acme.example",
      displayName: "registrar",
      roles: ["admin"],
      consoleSessionId: "cs-test-2",
    };
  });

  afterAll(async () => {
    await db?.$disconnect();
    await fresh?.drop();
  });

  const lastEvent = (action: string, targetId: string) =>
    db.auditEvent.findFirstOrThrow({ where: { action, targetId }, orderBy: { seq: "desc" } });

  describe("agent registration", () => {
    it("returns a client secret once and stores only its sha256", async () => {
      const created = await registerAgent(db, registrar, agentInput("Issue Triager"));
      expect(created.clientId).toBe("agent-issue-triager");
      expect(created.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const row = await db.agent.findUniqueOrThrow({ where: { id: created.id } });
      expect(row.clientSecretHash).toBe(createHash("sha256").update(created.clientSecret!).digest("hex"));
      expect(row.allowedGrantTypes).toBe("client_credentials");
      expect(row.maxTokenLifetimeSeconds).toBe(300);
      expect(JSON.stringify(row)).not.toContain(created.clientSecret);
      const event = await lastEvent("agent.registered", created.id);
      expect(event.detail).toMatchObject({
        before: null,
        after: { name: "Issue Triager", hasClientSecret: true, status: "active" },
      });
      expect(JSON.stringify(event.detail)).not.toContain(created.clientSecret);
      expect(JSON.stringify(event.detail)).not.toContain(row.clientSecretHash);
    });

    it("refuses a duplicate name and writes nothing", async () => {
      const before = { agents: await db.agent.count(), events: await db.auditEvent.count() };
      await refused(registerAgent(db, registrar, agentInput("Issue Triager")), "conflict", "name");
      expect({ agents: await db.agent.count(), events: await db.auditEvent.count() }).toEqual(before);
    });

    it("refuses grant types that do not fit the kind and writes nothing", async () => {
      const count = await db.agent.count();
      await expect(
        registerAgent(db, registrar, agentInput("Wrong Grants A", { allowedGrantTypes: [TOKEN_EXCHANGE] })),
      ).rejects.toThrow(/autonomous agent may only/);
      await expect(
        registerAgent(
          db,
          registrar,
          agentInput("Wrong Grants B", { kind: "delegated", allowedGrantTypes: ["client_credentials", JWT_BEARER] }),
        ),
      ).rejects.toThrow(/delegated agent/);
      expect(await db.agent.count()).toBe(count);
      const delegated = await registerAgent(
        db,
        registrar,
        agentInput("Mail Assistant", { kind: "delegated", authMethod: "client_secret_post" }),
      );
      expect((await db.agent.findUniqueOrThrow({ where: { id: delegated.id } })).allowedGrantTypes).toBe(
        `${TOKEN_EXCHANGE} ${JWT_BEARER}`,
      );
    });

    it("checks token lifetime bounds and the owner", async () => {
      await expect(
        registerAgent(db, registrar, agentInput("Short Lived", { maxTokenLifetimeSeconds: 30 })),
      ).rejects.toThrow(/At least 60/);
      await expect(
        registerAgent(db, registrar, agentInput("Long Lived", { maxTokenLifetimeSeconds: 7200 })),
      ).rejects.toThrow(/At most 3600/);
      await refused(
        registerAgent(db, registrar, agentInput("Orphan Bot", { ownerId: ids.gone })),
        "invalid",
        "ownerId",
      );
      expect(await db.agent.count({ where: { name: { in: ["Short Lived", "Long Lived", "Orphan Bot"] } } })).toBe(0);
    });

    it("accepts uploaded public keys, reduced to public members", async () => {
      const ec = await exportJWK((await generateKeyPair("ES256", { extractable: true })).publicKey);
      const ed = await exportJWK((await generateKeyPair("EdDSA", { extractable: true })).publicKey);
      const created = await registerAgent(
        db,
        registrar,
        agentInput("Key Holder", {
          authMethod: "private_key_jwt",
          jwks: JSON.stringify({
            keys: [
              { ...ec, kid: "ec-1", x5u: "https://evil.example" },
              { ...ed, kid: "ed-1", alg: "EdDSA" },
            ],
          }),
        }),
      );
      expect(created.clientSecret).toBeNull();
      const row = await db.agent.findUniqueOrThrow({ where: { id: created.id } });
      expect(row.clientSecretHash).toBeNull();
      const stored = row.jwks as { keys: Record<string, unknown>[] };
      expect(stored.keys.map((k) => [k.kid, k.alg])).toEqual([
        ["ec-1", "ES256"],
        ["ed-1", "EdDSA"],
      ]);
      expect(stored.keys[0]).not.toHaveProperty("x5u");
    });

    it("refuses private, symmetric, kid-less and unsupported keys and writes nothing", async () => {
      const pair = await generateKeyPair("ES256", { extractable: true });
      const priv = { ...(await exportJWK(pair.privateKey)), kid: "leaked" };
      const pub = await exportJWK(pair.publicKey);
      // jose refuses to make a short RSA key, so node:crypto makes the one an old tool might upload.
      const rsa1024 = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({ format: "jwk" });
      const count = await db.agent.count();
      const events = await db.auditEvent.count();
      const withKeys = (name: string, keys: unknown[]) =>
        registerAgent(db, registrar, agentInput(name, { authMethod: "private_key_jwt", jwks: { keys } }));
      await refused(withKeys("Bad Keys 1", [priv]), "invalid", "jwks");
      await expect(withKeys("Bad Keys 1", [priv])).rejects.toThrow(/private key material/);
      await expect(withKeys("Bad Keys 2", [{ kty: "oct", k: "c2VjcmV0", kid: "s" }])).rejects.toThrow(/symmetric/);
      await expect(withKeys("Bad Keys 3", [pub])).rejects.toThrow(/no kid/);
      await expect(withKeys("Bad Keys 4", [{ ...pub, kid: "a", alg: "ES384" }])).rejects.toThrow(/only ES256/);
      await expect(withKeys("Bad Keys 5", [{ ...rsa1024, kid: "r" }])).rejects.toThrow(/2048/);
      await expect(withKeys("Bad Keys 6", [{ ...pub, x: "AAAA", kid: "broken" }])).rejects.toThrow(/not a valid ES256/);
      await expect(
        registerAgent(db, registrar, agentInput("Bad Keys 7", { authMethod: "private_key_jwt" })),
      ).rejects.toThrow(/JWKS URL or uploaded/);
      await expect(
        registerAgent(
          db,
          registrar,
          agentInput("Bad Keys 8", { authMethod: "private_key_jwt", jwksUri: "http://keys.example/jwks" }),
        ),
      ).rejects.toThrow(/https/);
      expect({ agents: await db.agent.count(), events: await db.auditEvent.count() }).toEqual({
        agents: count,
        events,
      });
      const local = await registerAgent(
        db,
        registrar,
        agentInput("Local Dev Agent", { authMethod: "private_key_jwt", jwksUri: "http://localhost:8080/jwks.json" }),
      );
      expect((await db.agent.findUniqueOrThrow({ where: { id: local.id } })).jwksUri).toBe(
        "http://localhost:8080/jwks.json",
      );
    });

    it("rotates a secret: the new one is shown once, the old hash is gone", async () => {
      const created = await registerAgent(db, registrar, agentInput("Rotating Bot"));
      const { clientSecret } = await rotateAgentSecret(db, registrar, created.id);
      expect(clientSecret).not.toBe(created.clientSecret);
      const row = await db.agent.findUniqueOrThrow({ where: { id: created.id } });
      expect(row.clientSecretHash).toBe(createHash("sha256").update(clientSecret).digest("hex"));
      const event = await lastEvent("agent.secret_rotated", created.id);
      expect(event.detail).toMatchObject({
        before: { secretFingerprint: expect.any(String) },
        after: { secretFingerprint: row.clientSecretHash!.slice(0, 8) },
      });
      const keyed = await db.agent.findFirstOrThrow({ where: { name: "Key Holder" } });
      await refused(rotateAgentSecret(db, registrar, keyed.id), "conflict");
    });

    it("updates the profile with before/after in the audit trail", async () => {
      const agent = await db.agent.findFirstOrThrow({ where: { name: "Rotating Bot" } });
      await updateAgent(db, admin, {
        agentId: agent.id,
        purpose: "Rotates secrets as a test subject",
        maxTokenLifetimeSeconds: 600,
      });
      const event = await lastEvent("agent.updated", agent.id);
      expect(event.detail).toMatchObject({
        before: { maxTokenLifetimeSeconds: 300 },
        after: { maxTokenLifetimeSeconds: 600, purpose: "Rotates secrets as a test subject" },
      });
      await refused(
        updateAgent(db, admin, { agentId: agent.id, allowedGrantTypes: [TOKEN_EXCHANGE] }),
        "invalid",
        "allowedGrantTypes",
      );
    });
  });

  describe("entitlements", () => {
    it("derives risk from the tools and records the creation", async () => {
      const { id } = await createEntitlement(db, admin, {
        name: "GitHub triage",
        serverId: ids.github,
        toolIds: [ids.readIssues, ids.writeIssues],
        maxSessionSeconds: 3600,
      });
      const detail = await getEntitlement(db, id);
      expect(detail?.risk).toBe("write");
      expect(detail?.tools.map((t) => t.name)).toEqual(["read_issues", "write_issues"]);
      expect((await lastEvent("entitlement.created", id)).detail).toMatchObject({
        before: null,
        after: { risk: "write", tools: ["read_issues", "write_issues"] },
      });
    });

    it("refuses an unapproved tool and a tool of another server, at the tools field", async () => {
      const count = await db.entitlement.count();
      await refused(
        createEntitlement(db, admin, {
          name: "With pending",
          serverId: ids.github,
          toolIds: [ids.readIssues, ids.pendingTool],
        }),
        "invalid",
        "toolIds",
      );
      await refused(
        createEntitlement(db, admin, {
          name: "Two servers",
          serverId: ids.github,
          toolIds: [ids.readIssues, ids.crmRead],
        }),
        "invalid",
        "toolIds",
      );
      await refused(
        createEntitlement(db, admin, { name: "GitHub triage", serverId: ids.github, toolIds: [ids.readIssues] }),
        "conflict",
        "name",
      );
      await expect(
        createEntitlement(db, admin, {
          name: "Too short",
          serverId: ids.github,
          toolIds: [ids.readIssues],
          maxSessionSeconds: 60,
        }),
      ).rejects.toThrow(/5 minutes/);
      await expect(
        createEntitlement(db, admin, {
          name: "Too long",
          serverId: ids.github,
          toolIds: [ids.readIssues],
          maxSessionSeconds: 90_000,
        }),
      ).rejects.toThrow(/24 hours/);
      expect(await db.entitlement.count()).toBe(count);
    });

    it("updates tools with before/after, keeping the one-server rule", async () => {
      const e = await db.entitlement.findUniqueOrThrow({ where: { name: "GitHub triage" } });
      await updateEntitlement(db, admin, {
        entitlementId: e.id,
        name: "GitHub triage",
        toolIds: [ids.readIssues, ids.writeIssues, ids.deleteRepo],
        maxSessionSeconds: 3600,
        reauthIntervalSeconds: 900,
      });
      expect((await lastEvent("entitlement.updated", e.id)).detail).toMatchObject({
        before: { risk: "write", reauthIntervalSeconds: null },
        after: {
          risk: "destructive",
          reauthIntervalSeconds: 900,
          tools: ["delete_repo", "read_issues", "write_issues"],
        },
      });
      await refused(
        updateEntitlement(db, admin, { entitlementId: e.id, name: "GitHub triage", toolIds: [ids.crmRead] }),
        "invalid",
        "toolIds",
      );
      await updateEntitlement(db, admin, {
        entitlementId: e.id,
        name: "GitHub triage",
        toolIds: [ids.readIssues, ids.writeIssues],
        maxSessionSeconds: 3600,
      });
    });
  });

  describe("assignments", () => {
    let triage: string;
    let triager: string;
    beforeAll(async () => {
      triage = (await db.entitlement.findUniqueOrThrow({ where: { name: "GitHub triage" } })).id;
      triager = (await db.agent.findUniqueOrThrow({ where: { name: "Issue Triager" } })).id;
    });
    const assign = (
      principalType: "agent" | "user" | "group",
      principalId: string,
      extra: Record<string, unknown> = {},
    ) =>
      createAssignment(db, admin, {
        entitlementId: triage,
        principalType,
        principalId,
        justification: "Needed for the support rota",
        ...extra,
      });

    it("grants an agent, records who granted it, and refuses a duplicate live grant", async () => {
      const { id, warnings } = await assign("agent", triager);
      expect(warnings).toEqual([]);
      const row = await db.assignment.findUniqueOrThrow({ where: { id } });
      expect(row).toMatchObject({
        principalType: "agent",
        agentId: triager,
        userId: null,
        groupId: null,
        grantedById: ids.admin,
      });
      expect((await lastEvent("assignment.created", id)).detail).toMatchObject({
        before: null,
        after: { principalType: "agent", principalId: triager },
      });
      await refused(assign("agent", triager), "conflict", "principalId");
    });

    it("lets only one of two concurrent identical grants through", async () => {
      const results = await Promise.allSettled([
        assign("user", ids.owner),
        assign("user", ids.owner),
        assign("user", ids.owner),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect(await db.assignment.count({ where: { entitlementId: triage, userId: ids.owner, endedAt: null } })).toBe(1);
    });

    it("never lets anyone grant themselves: own user, own group, own agent", async () => {
      const count = await db.assignment.count();
      await refused(assign("user", ids.admin), "separation_of_duties", "principalId");
      await refused(assign("group", ids.adminsGroup), "separation_of_duties", "principalId");
      const owned = await registerAgent(db, registrar, agentInput("Admin's Own Bot", { ownerId: ids.admin }));
      await refused(assign("agent", owned.id), "separation_of_duties", "principalId");
      // An API key acts for the person who created it.
      const key: Principal = {
        kind: "apikey",
        apiKeyId: "k1",
        name: "automation",
        roles: ["admin"],
        createdById: ids.admin,
      };
      await refused(
        createAssignment(db, key, {
          entitlementId: triage,
          principalType: "user",
          principalId: ids.admin,
          justification: "Needed for the support rota",
        }),
        "separation_of_duties",
      );
      expect(await db.assignment.count()).toBe(count);
    });

    it("refuses a deactivated person, a short justification, a past expiry and an empty entitlement", async () => {
      await refused(assign("user", ids.gone), "conflict", "principalId");
      await expect(assign("user", ids.other, { justification: "because" })).rejects.toThrow(/at least 10/);
      await refused(assign("user", ids.other, { expiresAt: new Date(Date.now() - 60_000) }), "invalid", "expiresAt");
      const empty = await createEntitlement(db, admin, { name: "CRM read", serverId: ids.crm, toolIds: [ids.crmRead] });
      await db.tool.update({ where: { id: ids.crmRead }, data: { status: "rejected" } });
      await refused(
        createAssignment(db, admin, {
          entitlementId: empty.id,
          principalType: "user",
          principalId: ids.other,
          justification: "Needed for the support rota",
        }),
        "invalid",
        "entitlementId",
      );
      await db.tool.update({ where: { id: ids.crmRead }, data: { status: "approved" } });
    });

    it("warns for a suspended agent and refuses a retired one", async () => {
      const agent = await registerAgent(db, registrar, agentInput("Sleepy Bot"));
      await suspendAgent(db, admin, agent.id);
      const { warnings } = await assign("agent", agent.id);
      expect(warnings[0]).toMatch(/suspended/);
      const gone = await registerAgent(db, registrar, agentInput("Old Bot"));
      await retireAgent(db, admin, gone.id, "Replaced");
      await refused(assign("agent", gone.id), "conflict", "principalId");
    });

    it("ends an assignment with a reason, and the entitlement can then be deleted", async () => {
      const scratch = await createEntitlement(db, admin, {
        name: "Scratch",
        serverId: ids.github,
        toolIds: [ids.readIssues],
      });
      const a = await createAssignment(db, admin, {
        entitlementId: scratch.id,
        principalType: "user",
        principalId: ids.other,
        justification: "Temporary incident access",
      });
      await refused(deleteEntitlement(db, admin, scratch.id), "conflict");
      await endAssignment(db, admin, { assignmentId: a.id, reason: "Incident closed" });
      expect(await db.assignment.findUniqueOrThrow({ where: { id: a.id } })).toMatchObject({
        endedReason: "Incident closed",
      });
      expect((await lastEvent("assignment.ended", a.id)).detail).toMatchObject({
        before: { endedAt: null },
        after: { endedReason: "Incident closed" },
      });
      await deleteEntitlement(db, admin, scratch.id);
      expect(await db.entitlement.findUnique({ where: { id: scratch.id } })).toBeNull();
      expect((await lastEvent("entitlement.deleted", scratch.id)).detail).toMatchObject({
        before: { name: "Scratch", pastAssignmentIds: [a.id] },
        after: null,
      });
    });
  });

  describe("lifecycle", () => {
    it("suspends, reactivates and retires, ending live assignments with the reason", async () => {
      const agent = await registerAgent(db, registrar, agentInput("Lifecycle Bot"));
      const triage = (await db.entitlement.findUniqueOrThrow({ where: { name: "GitHub triage" } })).id;
      const a = await createAssignment(db, admin, {
        entitlementId: triage,
        principalType: "agent",
        principalId: agent.id,
        justification: "Lifecycle test access",
      });
      await suspendAgent(db, admin, agent.id);
      await refused(suspendAgent(db, admin, agent.id), "conflict");
      expect((await lastEvent("agent.suspended", agent.id)).detail).toMatchObject({
        before: { status: "active" },
        after: { status: "suspended" },
      });
      await reactivateAgent(db, admin, agent.id);
      expect((await lastEvent("agent.reactivated", agent.id)).detail).toMatchObject({
        before: { status: "suspended" },
        after: { status: "active" },
      });
      const { endedAssignmentIds } = await retireAgent(db, admin, agent.id, "Decommissioned with the old pipeline");
      expect(endedAssignmentIds).toEqual([a.id]);
      const ended = await db.assignment.findUniqueOrThrow({ where: { id: a.id } });
      expect(ended.endedAt).toBeInstanceOf(Date);
      expect(ended.endedReason).toBe("Agent retired: Decommissioned with the old pipeline");
      const row = await db.agent.findUniqueOrThrow({ where: { id: agent.id } });
      expect(row).toMatchObject({ status: "retired", clientSecretHash: null });
      expect((await lastEvent("agent.retired", agent.id)).detail).toMatchObject({
        before: { status: "active", hasClientSecret: true },
        after: { status: "retired", hasClientSecret: false, endedAssignmentIds: [a.id] },
      });
      await refused(reactivateAgent(db, admin, agent.id), "conflict");
      await refused(updateAgent(db, admin, { agentId: agent.id, purpose: "Trying to come back to life" }), "conflict");
      expect((await effectiveAccessOfAgent(db, agent.id)).tools).toEqual([]);
    });
  });

  describe("effective access after assigning", () => {
    it("shows an agent's tools with `until` for a future expiry and leaves out an expired grant", async () => {
      const now = new Date();
      const agent = await registerAgent(db, registrar, agentInput("Access Probe", { kind: "delegated" }));
      const triage = (await db.entitlement.findUniqueOrThrow({ where: { name: "GitHub triage" } })).id;
      const until = new Date(now.getTime() + 7 * DAY);
      const live = await createAssignment(db, admin, {
        entitlementId: triage,
        principalType: "agent",
        principalId: agent.id,
        justification: "Access probe (expiring)",
        expiresAt: until,
      });
      const crm = (await db.entitlement.findUniqueOrThrow({ where: { name: "CRM read" } })).id;
      // Already expired: written directly, since the console refuses a past expiry.
      await db.assignment.create({
        data: {
          entitlementId: crm,
          principalType: "agent",
          agentId: agent.id,
          justification: "Expired probe access",
          expiresAt: new Date(now.getTime() - 60_000),
          grantedById: ids.owner,
          createdAt: new Date(now.getTime() - DAY),
        },
      });
      const access = await effectiveAccessOfAgent(db, agent.id, now);
      expect(access.tools.map((t) => [t.serverName, t.toolName, t.risk])).toEqual([
        ["GitHub", "read_issues", "read"],
        ["GitHub", "write_issues", "write"],
      ]);
      expect(access.tools.every((t) => t.until?.getTime() === until.getTime())).toBe(true);
      expect(access.tools[0]!.via).toEqual([
        expect.objectContaining({ assignmentId: live.id, entitlementName: "GitHub triage", principalType: "agent" }),
      ]);
      // The expired grant counts again for a moment before its expiry: the comparison is on time, not on presence.
      const earlier = await effectiveAccessOfAgent(db, agent.id, new Date(now.getTime() - 120_000));
      expect(earlier.tools.map((t) => t.toolName)).toContain("read_accounts");

      // A person reaches tools through their group; the agent acting for them gets the intersection.
      const readOnly = await createEntitlement(db, admin, {
        name: "GitHub read",
        serverId: ids.github,
        toolIds: [ids.readIssues],
      });
      const groupUntil = new Date(now.getTime() + 3 * DAY);
      await createAssignment(db, admin, {
        entitlementId: readOnly.id,
        principalType: "group",
        principalId: ids.staffGroup,
        justification: "Support staff read issues",
        expiresAt: groupUntil,
      });
      const user = await effectiveAccessOfUser(db, ids.member, now);
      expect(user.tools.map((t) => t.toolName)).toEqual(["read_issues"]);
      expect(user.tools[0]!.via[0]).toMatchObject({ principalType: "group", principalId: ids.staffGroup });
      const both = await effectiveAccessOnBehalfOf(db, agent.id, ids.member, now);
      expect(both.tools.map((t) => t.toolName)).toEqual(["read_issues"]);
      expect(both.tools[0]!.until?.getTime()).toBe(groupUntil.getTime());
      // Read in one statement for both principals, it is exactly the two accesses intersected.
      expect(both).toEqual(
        intersectAccess(
          await effectiveAccessOfAgent(db, agent.id, now),
          await effectiveAccessOfUser(db, ids.member, now),
        ),
      );

      // Read with the client's row (the token endpoint's client_credentials read), it is the agent's own access, as of `now`.
      const withRow = await clientWithOwnAccess(db, agent.clientId, now);
      expect(withRow?.client).toMatchObject({ id: agent.id, clientId: agent.clientId });
      expect(withRow?.access).toEqual(await effectiveAccessOfAgent(db, agent.id, now));
      expect(withRow?.access.tools.map((t) => t.toolName)).toEqual(["read_issues", "write_issues"]);
      expect(await clientWithOwnAccess(db, "no-such-client", now)).toBeUndefined();
      expect((await effectiveAccessOfUser(db, ids.other, now)).tools.map((t) => t.toolName)).not.toContain(
        "write_issues",
      );
    });

    it("lists every path to a tool reached several times, until the latest end, without touching other tools' paths", async () => {
      const now = new Date();
      const agent = await registerAgent(db, registrar, agentInput("Many Paths"));
      const triage = (await db.entitlement.findUniqueOrThrow({ where: { name: "GitHub triage" } })).id;
      const readA = await createEntitlement(db, admin, {
        name: "Read issues A",
        serverId: ids.github,
        toolIds: [ids.readIssues],
      });
      const readB = await createEntitlement(db, admin, {
        name: "Read issues B",
        serverId: ids.github,
        toolIds: [ids.readIssues],
      });
      const assign = (entitlementId: string, days: number | null) =>
        createAssignment(db, admin, {
          entitlementId,
          principalType: "agent",
          principalId: agent.id,
          justification: "Several paths to one tool",
          ...(days === null ? {} : { expiresAt: new Date(now.getTime() + days * DAY) }),
        });
      const viaTriage = await assign(triage, 1);
      const viaA = await assign(readA.id, 5);
      const viaB = await assign(readB.id, 2);
      // Twice: the second call is served by the cached catalogue and must not see the first call's paths.
      for (let call = 0; call < 2; call++) {
        const access = await effectiveAccessOfAgent(db, agent.id, now);
        expect(access.tools.map((t) => t.toolName)).toEqual(["read_issues", "write_issues"]);
        const [read, write] = access.tools;
        expect(read!.via.map((v) => v.assignmentId).sort()).toEqual([viaTriage.id, viaA.id, viaB.id].sort());
        expect(read!.until?.getTime()).toBe(now.getTime() + 5 * DAY);
        expect(write!.via.map((v) => v.assignmentId)).toEqual([viaTriage.id]);
        expect(write!.until?.getTime()).toBe(now.getTime() + DAY);
        expect(access.scopesByResource.get("https://mcp.acme.example/github")?.size).toBe(2);
      }
      // One path without an end date: the tool has none either.
      const readC = await createEntitlement(db, admin, {
        name: "Read issues C",
        serverId: ids.github,
        toolIds: [ids.readIssues],
      });
      await assign(readC.id, null);
      expect((await effectiveAccessOfAgent(db, agent.id, now)).tools[0]!.until).toBeNull();
      // A reduced grant no longer leads to the tools it excludes.
      await db.assignment.update({ where: { id: viaTriage.id }, data: { excludedToolIds: [ids.writeIssues] } });
      expect((await effectiveAccessOfAgent(db, agent.id, now)).tools.map((t) => t.toolName)).toEqual(["read_issues"]);
    });

    it("grants with tools left out, refusing exclusions outside the entitlement, of every tool, or that give tools back", async () => {
      const agent = await registerAgent(db, registrar, agentInput("Narrow Probe"));
      const triage = (await db.entitlement.findUniqueOrThrow({ where: { name: "GitHub triage" } })).id;
      const grant = (excludedToolIds: string[]) =>
        createAssignment(db, admin, {
          entitlementId: triage,
          principalType: "agent",
          principalId: agent.id,
          justification: "Narrowed grant probe",
          excludedToolIds,
        });
      await refused(grant([ids.crmRead]), "invalid", "excludedToolIds");
      await refused(grant([ids.readIssues, ids.writeIssues]), "invalid", "excludedToolIds");
      const a = await grant([ids.writeIssues]);
      expect((await effectiveAccessOfAgent(db, agent.id)).tools.map((t) => t.toolName)).toEqual(["read_issues"]);
      const narrow = (excludedToolIds: string[]) =>
        db.$transaction((tx) =>
          narrowAssignmentIn(tx, admin, { assignmentId: a.id, excludedToolIds, reason: "Probe narrowing" }),
        );
      await refused(narrow([]), "conflict", "excludedToolIds");
      await refused(narrow([ids.writeIssues, ids.readIssues]), "invalid", "excludedToolIds");
      expect((await db.assignment.findUniqueOrThrow({ where: { id: a.id } })).excludedToolIds).toEqual([
        ids.writeIssues,
      ]);
    });

    it("lists live assignments with filters and keyset pages", async () => {
      const all = await listAssignments(db, { limit: 100 }, {});
      expect(all.rows.length).toBeGreaterThan(2);
      expect(all.rows.every((r) => r.expiresAt === null || r.expiresAt > new Date())).toBe(true);
      const groups = await listAssignments(db, { limit: 100 }, { principalType: "group" });
      expect(groups.rows.map((r) => r.principal.label)).toEqual(["Support staff"]);
      const soon = await listAssignments(db, { limit: 100 }, { expiring: "soon" });
      expect(soon.rows.length).toBeGreaterThanOrEqual(2);
      expect(soon.rows.every((r) => r.expiresAt !== null)).toBe(true);
      const seen: string[] = [];
      let page = await listAssignments(db, { limit: 2 }, {});
      for (;;) {
        seen.push(...page.rows.map((r) => r.id));
        if (!page.nextCursor) break;
        const { decodeCursor } = await import("@/lib/pagination/keyset");
        page = await listAssignments(db, { limit: 2, after: decodeCursor(page.nextCursor)! }, {});
      }
      expect(seen).toEqual(all.rows.map((r) => r.id));
    });
  });

  it("keeps one unbroken audit chain through all of it", async () => {
    expect((await verifyAuditChain(db)).firstBroken).toBeNull();
  });
});
