import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { Principal } from "@/lib/auth/principal";
import { verifyAuditChain } from "@/lib/audit/verify";
import { createDb, type Db } from "@/lib/db/client";
import { createAssignment } from "@/lib/assignments/create-assignment";
import { ensureDrillAgent } from "@/lib/drills/drill-agent";
import { applyPolicy } from "@/lib/policy/apply-policy";
import { exportPolicy } from "@/lib/policy/export-policy";
import { planPolicy } from "@/lib/policy/plan-policy";
import { freshDatabase, PROVIDERS, type FreshDatabase } from "../support/databases";

const SYSTEM: Principal = { kind: "system", label: "mandate policy (test)", roles: ["admin"] };

/** A small organisation. Line numbers matter: the error tests edit known lines. */
const BASE = `version: 1
servers:
  - name: GitHub
    # resourceUri left out: a gateway server's is its gateway URL, <MANDATE_ISSUER>/mcp/github
    mode: gateway
    upstreamUrl: https://github-mcp.internal.acme.example/mcp
    argumentLogging: hash
    owner: owner@acme.example
    tools:
      - name: read_issues
        risk: read
        scope: github:read_issues
        status: approved
      - name: run_workflow
        risk: write
        scope: github:run_workflow
        status: pending
      - name: write_issues
        risk: write
        scope: github:write_issues
        status: approved
  - name: CRM
    resourceUri: https://mcp.acme.example/crm
    issuer: https://login.acme.example
    mode: native
    tools:
      - name: read_accounts
        risk: read
        scope: crm:read
        status: rejected
agents:
  - name: helper-agent
    owner: owner@acme.example
    purpose: Answers questions on behalf of support staff
    kind: delegated
    authMethod: private_key_jwt
    jwksUri: https://keys.acme.example/helper.json
  - name: triage-bot
    owner: owner@acme.example
    purpose: Triage incoming issues every hour
    kind: autonomous
    authMethod: client_secret_basic
entitlements:
  - name: GitHub read
    server: GitHub
    tools: [read_issues]
assignments:
  - entitlement: GitHub read
    agent: triage-bot
    justification: Needs to read issues to triage them
  - entitlement: GitHub read
    group: Support staff
    expires: 2099-01-01T00:00:00.000Z
    justification: Support reads issues during escalations
`;

async function counts(db: Db) {
  return {
    servers: await db.mcpServer.count(),
    tools: await db.tool.count(),
    agents: await db.agent.count(),
    entitlements: await db.entitlement.count(),
    assignments: await db.assignment.count(),
    audit: await db.auditEvent.count(),
  };
}

async function seedPeople(db: Db): Promise<void> {
  await db.user.createMany({
    data: [
      { id: "u-admin", email: "admin@acme.example", displayName: "Admin" },
      { id: "u-owner", email: "owner@acme.example", displayName: "Owner" },
      { id: "u-member", email: "member@acme.example", displayName: "Member" },
    ],
  });
  await db.group.create({ data: { id: "g-staff", displayName: "Support staff" } });
  await db.groupMembership.create({ data: { groupId: "g-staff", userId: "u-member" } });
}

/** Line 50 of BASE: the first assignment's justification. */
const JUSTIFICATION = "    justification: Needs to read issues to triage them";

/** Replaces one exact line of BASE (1-based), so a test knows where its error sits. */
function withLine(text: string, line: number, replacement: string): string {
  const lines = text.split("\n");
  lines[line - 1] = replacement;
  return lines.join("\n");
}

describe.each(PROVIDERS)("policy as code on %s", (provider) => {
  let fresh: FreshDatabase;
  let other: FreshDatabase;
  let db: Db;
  let db2: Db;

  beforeAll(async () => {
    [fresh, other] = await Promise.all([freshDatabase(provider), freshDatabase(provider)]);
    db = createDb(fresh.config);
    db2 = createDb(other.config);
    await seedPeople(db);
    await seedPeople(db2);
  });

  afterAll(async () => {
    await db?.$disconnect();
    await db2?.$disconnect();
    await fresh?.drop();
    await other?.drop();
  });

  it("plans the whole file as creations without writing anything", async () => {
    const before = await counts(db);
    const result = await planPolicy(db, SYSTEM, BASE);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const summary = result.plan.changes.map((c) => `${c.op} ${c.kind} ${c.label}`);
    expect(summary).toEqual([
      "create server GitHub",
      "create tool GitHub / read_issues",
      "create tool GitHub / run_workflow",
      "create tool GitHub / write_issues",
      "create server CRM",
      "create tool CRM / read_accounts",
      "create agent helper-agent",
      "create agent triage-bot",
      "create entitlement GitHub read",
      "create assignment GitHub read → agent triage-bot",
      "create assignment GitHub read → group Support staff",
    ]);
    expect(await counts(db)).toEqual(before);
  });

  it("applies to an empty model, through the domain functions and their audit events", async () => {
    const result = await applyPolicy(db, SYSTEM, BASE);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.applied).toBe(true);
    expect(result.credentials.map((c) => c.agent)).toEqual(["triage-bot"]);
    expect(await counts(db)).toMatchObject({ servers: 2, tools: 4, agents: 2, entitlements: 1, assignments: 2 });
    const tools = await db.tool.findMany({ orderBy: { name: "asc" }, select: { name: true, status: true } });
    expect(tools).toEqual([
      { name: "read_accounts", status: "rejected" },
      { name: "read_issues", status: "approved" },
      { name: "run_workflow", status: "pending" },
      { name: "write_issues", status: "approved" },
    ]);
    const actions = await db.auditEvent.findMany({ select: { action: true, actorType: true, actorLabel: true } });
    expect(actions.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        "server.registered",
        "tool.approved",
        "agent.registered",
        "entitlement.created",
        "assignment.created",
        "policy.applied",
      ]),
    );
    expect(actions.every((a) => a.actorType === "system" && a.actorLabel === "mandate policy (test)")).toBe(true);
    expect((await verifyAuditChain(db)).firstBroken).toBeNull();
  });

  it("exports the model in a stable, credential-free form", async () => {
    const text = await exportPolicy(db);
    expect(await exportPolicy(db)).toBe(text);
    const doc = parse(text) as {
      servers: { name: string; tools: { name: string }[] }[];
      agents: Record<string, unknown>[];
      assignments: Record<string, unknown>[];
    };
    expect(doc.servers.map((s) => s.name)).toEqual(["CRM", "GitHub"]);
    expect(doc.servers[1]!.tools.map((t) => t.name)).toEqual(["read_issues", "run_workflow", "write_issues"]);
    expect(doc.agents[1]).toEqual({
      name: "triage-bot",
      owner: "owner@acme.example",
      purpose: "Triage incoming issues every hour",
      kind: "autonomous",
      authMethod: "client_secret_basic",
      grantTypes: ["client_credentials"],
      maxTokenLifetimeSeconds: 300,
      status: "active",
    });
    expect(doc.assignments).toContainEqual({
      entitlement: "GitHub read",
      group: "Support staff",
      expires: "2099-01-01T00:00:00.000Z",
      justification: "Support reads issues during escalations",
    });
    expect(text).not.toMatch(/upstreamCredential|clientSecret|secretHash/);
  });

  it("plans no changes and writes nothing when the same file is applied again", async () => {
    const before = await counts(db);
    const plan = await planPolicy(db, SYSTEM, BASE);
    expect(plan).toMatchObject({ ok: true, plan: { changes: [], kept: [] } });
    const again = await applyPolicy(db, SYSTEM, BASE);
    expect(again).toMatchObject({ ok: true, applied: false });
    expect(await counts(db)).toEqual(before);
    // The exported form is an equally unchanged file.
    expect(await planPolicy(db, SYSTEM, await exportPolicy(db))).toMatchObject({ ok: true, plan: { changes: [] } });
  });

  it("leaves the built-in drill agent out: after a drill, the export still plans as no changes", async () => {
    await ensureDrillAgent(db);
    const text = await exportPolicy(db);
    expect(text).not.toContain("revocation drill");
    expect(await planPolicy(db, SYSTEM, text)).toMatchObject({ ok: true, plan: { changes: [], kept: [] } });
    expect(await planPolicy(db, SYSTEM, text, { prune: true })).toMatchObject({ ok: true, plan: { changes: [] } });
  });

  it("shows a field-level diff for an edit and applies it", async () => {
    const edited = BASE.replace(
      "    authMethod: client_secret_basic\n",
      "    authMethod: client_secret_basic\n    maxTokenLifetimeSeconds: 600\n",
    ).replace("tools: [read_issues]", "tools: [read_issues, write_issues]");
    const plan = await planPolicy(db, SYSTEM, edited);
    if (!plan.ok) throw new Error(JSON.stringify(plan.issues));
    expect(plan.plan.changes).toEqual([
      expect.objectContaining({
        op: "update",
        kind: "agent",
        label: "triage-bot",
        fields: [{ field: "maxTokenLifetimeSeconds", before: 300, after: 600 }],
      }),
      expect.objectContaining({
        op: "update",
        kind: "entitlement",
        label: "GitHub read",
        fields: [{ field: "tools", before: ["read_issues"], after: ["read_issues", "write_issues"] }],
      }),
    ]);
    const applied = await applyPolicy(db, SYSTEM, edited);
    expect(applied).toMatchObject({ ok: true, applied: true });
    expect((await db.agent.findUniqueOrThrow({ where: { name: "triage-bot" } })).maxTokenLifetimeSeconds).toBe(600);
    expect(await planPolicy(db, SYSTEM, edited)).toMatchObject({ ok: true, plan: { changes: [] } });
    // Dropping an assignment from the file ends it.
    const dropped = edited.split("  - entitlement: GitHub read\n    group: Support staff")[0]!;
    const end = await applyPolicy(db, SYSTEM, dropped);
    if (!end.ok) throw new Error(JSON.stringify(end.issues));
    expect(end.plan.changes).toEqual([
      expect.objectContaining({ op: "remove", kind: "assignment", label: "GitHub read → group Support staff" }),
    ]);
    expect(await db.assignment.count({ where: { groupId: "g-staff", endedAt: null } })).toBe(0);
    expect(await applyPolicy(db, SYSTEM, edited)).toMatchObject({ ok: true, applied: true });
  });

  describe("refuses bad input at its line and writes nothing", () => {
    const cases: [string, () => string, { line: number; path?: string; message: RegExp }][] = [
      ["malformed YAML", () => withLine(BASE, 5, "    mode: [gateway"), { line: 6, message: /Malformed YAML/ }],
      [
        "an invalid URL",
        () => withLine(BASE, 4, "    resourceUri: not a url"),
        { line: 4, path: "servers[0].resourceUri", message: /absolute URL/ },
      ],
      [
        "a duplicate agent name",
        () => withLine(BASE, 38, "  - name: helper-agent"),
        { line: 38, path: "agents[1].name", message: /“helper-agent” is listed twice/ },
      ],
      [
        "a duplicate server name",
        () => withLine(BASE, 22, "  - name: GitHub"),
        { line: 22, path: "servers[1].name", message: /“GitHub” is listed twice/ },
      ],
      [
        "an unknown key",
        () => withLine(BASE, 7, "    argumentLoging: hash"),
        { line: 7, path: "servers[0].argumentLoging", message: /argumentLoging/ },
      ],
      [
        "an unapproved tool in an entitlement",
        () => BASE.replace("tools: [read_issues]", "tools: [read_issues, run_workflow]"),
        { line: 46, path: "entitlements[0].tools", message: /Only approved tools.*run_workflow \(pending\)/ },
      ],
      [
        "an assignment to a retired agent",
        () =>
          BASE.replace(
            "    authMethod: client_secret_basic\n",
            "    authMethod: client_secret_basic\n    status: retired\n",
          ),
        { line: 50, path: "assignments[0].agent", message: /retired/ },
      ],
      [
        "removing an agent's owner",
        () => withLine(BASE, 33, ""),
        { line: 32, path: "agents[0].owner", message: /not removed/ },
      ],
      [
        "a new agent without an owner",
        () => withLine(withLine(BASE, 32, "  - name: new-helper"), 33, ""),
        { line: 32, path: "agents[0].owner", message: /needs an owner/ },
      ],
      [
        "an owner who does not exist",
        () => withLine(BASE, 33, "    owner: nobody@acme.example"),
        { line: 33, path: "agents[0].owner", message: /No active person/ },
      ],
      [
        "excluding a tool the entitlement does not give",
        () => withLine(BASE, 50, `    excludedTools: [write_issues]\n${JUSTIFICATION}`),
        {
          line: 50,
          path: "assignments[0].excludedTools[0]",
          message: /“write_issues” is not one of the tools of GitHub read/,
        },
      ],
      [
        "excluding every tool of the entitlement",
        () => withLine(BASE, 50, `    excludedTools: [read_issues]\n${JUSTIFICATION}`),
        { line: 50, path: "assignments[0].excludedTools", message: /would grant nothing/ },
      ],
      [
        "exclusions that are not a list",
        () => withLine(BASE, 50, `    excludedTools: read_issues\n${JUSTIFICATION}`),
        { line: 50, path: "assignments[0].excludedTools", message: /Expected a list of tool names/ },
      ],
    ];
    it.each(cases)("%s", async (_name, text, expected) => {
      const before = await counts(db);
      const source = text();
      for (const result of [await planPolicy(db, SYSTEM, source), await applyPolicy(db, SYSTEM, source)]) {
        expect(result.ok).toBe(false);
        if (result.ok) continue;
        expect(result.issues[0]).toMatchObject({
          line: expected.line,
          ...(expected.path ? { path: expected.path } : {}),
        });
        expect(result.issues[0]!.message).toMatch(expected.message);
      }
      expect(await counts(db)).toEqual(before);
    });
  });

  it("keeps what the file leaves out unless --prune", async () => {
    const withoutCrm = BASE.replace(/  - name: CRM[\s\S]*?status: rejected\n/, "");
    const plan = await planPolicy(db, SYSTEM, withoutCrm);
    expect(plan).toMatchObject({ ok: true, plan: { kept: [{ kind: "server", label: "CRM" }] } });
    const pruned = await planPolicy(db, SYSTEM, withoutCrm, { prune: true });
    expect(pruned).toMatchObject({ ok: true, plan: { kept: [] } });
    if (pruned.ok)
      expect(pruned.plan.changes).toContainEqual(
        expect.objectContaining({ op: "remove", kind: "server", label: "CRM" }),
      );
  });

  it("applies separation of duties to a named admin", async () => {
    const owner: Principal = {
      kind: "user",
      userId: "u-member",
      email: "member@acme.example",
      displayName: "Member",
      roles: ["admin"],
      consoleSessionId: "cli",
    };
    const file = BASE.replace("expires: 2099-01-01T00:00:00.000Z", "expires: 2098-01-01T00:00:00.000Z");
    const result = await planPolicy(db, owner, file);
    expect(result).toMatchObject({
      ok: false,
      issues: [{ path: "assignments[1].group", message: expect.stringMatching(/member of this group/) }],
    });
  });

  it("refuses a named admin who registers an agent and grants it in one file: they would hold its credential", async () => {
    const admin: Principal = {
      kind: "user",
      userId: "u-admin",
      email: "admin@acme.example",
      displayName: "Admin",
      roles: ["admin"],
      consoleSessionId: "cli",
    };
    const file =
      BASE.replace(
        "agents:\n",
        "agents:\n  - name: side-bot\n    owner: owner@acme.example\n    purpose: Reads issues on the side\n    kind: autonomous\n    authMethod: client_secret_basic\n",
      ) + "  - entitlement: GitHub read\n    agent: side-bot\n    justification: It needs to read issues too\n";
    const before = await counts(db);
    for (const result of [await planPolicy(db, admin, file), await applyPolicy(db, admin, file)]) {
      expect(result).toMatchObject({
        ok: false,
        issues: [{ path: "assignments[2].agent", message: expect.stringMatching(/hold this agent's credential/) }],
      });
    }
    expect(await counts(db)).toEqual(before);
    // Without a person behind it (the CLI without --as) nobody holds the credential: the same file applies.
    expect(await planPolicy(db, SYSTEM, file)).toMatchObject({ ok: true });
  });

  it("refuses making the person who granted an agent its owner, unless the same file ends that grant", async () => {
    const admin: Principal = {
      kind: "user",
      userId: "u-admin",
      email: "admin@acme.example",
      displayName: "Admin",
      roles: ["admin"],
      consoleSessionId: "cli",
    };
    const bot = (await db.agent.findUniqueOrThrow({ where: { name: "triage-bot" } })).id;
    const entitlementId = (await db.entitlement.findUniqueOrThrow({ where: { name: "GitHub read" } })).id;
    // The admin grants the bot (in place of the file's grant).
    await db.assignment.updateMany({
      where: { agentId: bot, endedAt: null },
      data: { endedAt: new Date(), endedReason: "test" },
    });
    await createAssignment(db, admin, {
      entitlementId,
      principalType: "agent",
      principalId: bot,
      justification: "Granted by the admin for this test",
    });
    const current = await exportPolicy(db);
    const ownedByGranter = current.replace(
      "name: triage-bot\n    owner: owner@acme.example",
      "name: triage-bot\n    owner: admin@acme.example",
    );
    expect(ownedByGranter).not.toBe(current);
    const before = await counts(db);
    for (const result of [
      await planPolicy(db, SYSTEM, ownedByGranter),
      await applyPolicy(db, SYSTEM, ownedByGranter),
    ]) {
      expect(result).toMatchObject({
        ok: false,
        issues: [
          {
            path: "agents[1].owner",
            message: expect.stringMatching(
              /admin@acme\.example granted this agent “GitHub read”: whoever grants an agent access cannot own it/,
            ),
          },
        ],
      });
    }
    expect(await counts(db)).toEqual(before);
    // A file that also drops the admin's grant ends it first: then the owner change keeps the rule.
    const withoutGrant = ownedByGranter.replace(
      /  - entitlement: GitHub read\n    agent: triage-bot\n    justification: Granted by the admin for this test\n/,
      "",
    );
    expect(withoutGrant).not.toBe(ownedByGranter);
    expect(await planPolicy(db, SYSTEM, withoutGrant)).toMatchObject({ ok: true });
  });

  it("narrows a grant by tool name in place, gives tools back by granting again, and exports the exclusions", async () => {
    const current = await exportPolicy(db);
    const bot = (await db.agent.findUniqueOrThrow({ where: { name: "triage-bot" } })).id;
    const live = () => db.assignment.findFirstOrThrow({ where: { agentId: bot, endedAt: null } });
    const granted = await live();
    const writeIssues = (await db.tool.findFirstOrThrow({ where: { name: "write_issues" } })).id;
    const narrowed = current.replace(
      "agent: triage-bot\n    justification:",
      "agent: triage-bot\n    excludedTools:\n      - write_issues\n    justification:",
    );
    expect(narrowed).not.toBe(current);

    const plan = await planPolicy(db, SYSTEM, narrowed);
    if (!plan.ok) throw new Error(JSON.stringify(plan.issues));
    expect(plan.plan.changes).toEqual([
      expect.objectContaining({
        op: "update",
        kind: "assignment",
        label: "GitHub read → agent triage-bot",
        note: "narrowed in place",
        fields: [{ field: "excludedTools", before: [], after: ["write_issues"] }],
      }),
    ]);
    expect(await applyPolicy(db, SYSTEM, narrowed)).toMatchObject({ ok: true, applied: true });
    // The same grant, narrowed: same id, the exclusion stored by id, audited with before and after.
    expect(await live()).toMatchObject({ id: granted.id, excludedToolIds: [writeIssues] });
    const event = await db.auditEvent.findFirstOrThrow({
      where: { action: "assignment.updated", targetId: granted.id },
      orderBy: { occurredAt: "desc" },
    });
    expect(event.detail).toMatchObject({ before: { excludedToolIds: [] }, after: { excludedToolIds: [writeIssues] } });
    // Idempotent, and the export says what the file said.
    expect(await planPolicy(db, SYSTEM, narrowed)).toMatchObject({ ok: true, plan: { changes: [] } });
    const exported = await exportPolicy(db);
    expect(exported).toBe(narrowed);
    expect((parse(exported) as { assignments: Record<string, unknown>[] }).assignments).toContainEqual(
      expect.objectContaining({ agent: "triage-bot", excludedTools: ["write_issues"] }),
    );

    // Dropping the exclusion gives the tool back through a new grant (with every check a grant gets).
    const widened = await applyPolicy(db, SYSTEM, current);
    if (!widened.ok) throw new Error(JSON.stringify(widened.issues));
    expect(widened.plan.changes).toEqual([
      expect.objectContaining({
        op: "update",
        kind: "assignment",
        note: expect.stringMatching(/ended and granted again/),
        fields: [{ field: "excludedTools", before: ["write_issues"], after: [] }],
      }),
    ]);
    expect((await live()).excludedToolIds).toBeNull();
    // Leave it narrowed: the round trip below carries the exclusion to another database.
    expect(await applyPolicy(db, SYSTEM, narrowed)).toMatchObject({ ok: true, applied: true });
  });

  it("round-trips: export → apply to a fresh database → the same export", async () => {
    const text = await exportPolicy(db);
    expect(text).toContain("excludedTools:");
    const result = await applyPolicy(db2, SYSTEM, text);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(await exportPolicy(db2)).toBe(text);
  });
});
