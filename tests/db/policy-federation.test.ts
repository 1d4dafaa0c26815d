import { exportJWK, generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { verifyAuditChain } from "@/lib/audit/verify";
import type { Principal } from "@/lib/auth/principal";
import { createDb, type Db } from "@/lib/db/client";
import type { FetchLike } from "@/lib/federation/issuer-discovery";
import { applyPolicy } from "@/lib/policy/apply-policy";
import { exportPolicy } from "@/lib/policy/export-policy";
import { formatIssue, formatPlan } from "@/lib/policy/format-plan";
import { planPolicy } from "@/lib/policy/plan-policy";
import { freshDatabase, PROVIDERS, type FreshDatabase } from "../support/databases";

const SYSTEM: Principal = { kind: "system", label: "mandate policy (test)", roles: ["admin"] };

/** A discovered issuer's metadata, served without a network: only this issuer has any. */
const DISCOVERED = "https://idp.partner.example";
const discoveryFetch: FetchLike = async (url) =>
  url === `${DISCOVERED}/.well-known/openid-configuration`
    ? Response.json({ issuer: DISCOVERED, jwks_uri: `${DISCOVERED}/oauth2/keys` })
    : new Response("not found", { status: 404 });

async function clusterJwk(): Promise<string> {
  const { publicKey } = await generateKeyPair("ES256", { extractable: true });
  return JSON.stringify({ ...(await exportJWK(publicKey)), kid: "cluster-1", alg: "ES256", use: "sig" });
}

/** Agents and three issuers. Line numbers matter: the error tests edit known lines. */
const fileWith = (jwk: string) => `version: 1
agents:
  - name: triage-bot
    owner: owner@acme.example
    purpose: Triage incoming issues every hour
    kind: autonomous
    authMethod: private_key_jwt
    jwksUri: https://keys.acme.example/triage.json
  - name: ci-bot
    owner: owner@acme.example
    purpose: Deploys from CI
    kind: autonomous
    authMethod: private_key_jwt
    jwksUri: https://keys.acme.example/ci.json
  - name: helper-agent
    owner: owner@acme.example
    purpose: Answers questions for support staff
    kind: delegated
    authMethod: private_key_jwt
    jwksUri: https://keys.acme.example/helper.json
identityProviders:
  - name: Okta
    issuer: https://acme.okta.example
    roles: [id_jag_issuer, enterprise_idp]
    jwksUri: https://acme.okta.example/oauth2/v1/keys
    algorithms: [RS256, ES256]
    userMatch: email
  - name: Cluster
    issuer: https://kubernetes.acme.example
    roles: [workload_issuer]
    jwks: {keys: [${jwk}]}
    algorithms: [ES256]
    workloadIdentities:
      - subject: system:serviceaccount:ops:triage
        claims:
          kubernetes.io/namespace: ops
        agent: triage-bot
      - subject: repo:acme/app:ref:refs/heads/main
        agent: ci-bot
  - name: Partner
    issuer: ${DISCOVERED}
    roles: [id_jag_issuer]
`;

async function counts(db: Db) {
  return {
    idps: await db.trustedIdp.count(),
    rules: await db.agentWorkloadIdentity.count(),
    agents: await db.agent.count(),
    audit: await db.auditEvent.count(),
  };
}

async function seedPeople(db: Db): Promise<void> {
  await db.user.create({ data: { id: "u-owner", email: "owner@acme.example", displayName: "Owner" } });
}

const withLine = (text: string, line: number, replacement: string) =>
  text
    .split("\n")
    .map((l, i) => (i === line - 1 ? replacement : l))
    .join("\n");

describe.each(PROVIDERS)("trusted issuers and workload rules as code on %s", (provider) => {
  let fresh: FreshDatabase;
  let other: FreshDatabase;
  let db: Db;
  let db2: Db;
  let BASE: string;

  beforeAll(async () => {
    [fresh, other] = await Promise.all([freshDatabase(provider), freshDatabase(provider)]);
    db = createDb(fresh.config);
    db2 = createDb(other.config);
    await seedPeople(db);
    await seedPeople(db2);
    BASE = fileWith(await clusterJwk());
  });

  afterAll(async () => {
    await db?.$disconnect();
    await db2?.$disconnect();
    await fresh?.drop();
    await other?.drop();
  });

  it("plans the issuers and their rules as creations, discovering keys, without writing anything", async () => {
    const before = await counts(db);
    const result = await planPolicy(db, SYSTEM, BASE, { fetch: discoveryFetch });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const lines = formatPlan(result.plan);
    expect(lines).toEqual(
      expect.arrayContaining([
        "+ identity_provider Okta",
        "+ identity_provider Cluster",
        "+ workload_identity Cluster: sub repo:acme/app:ref:refs/heads/main → ci-bot",
        "+ workload_identity Cluster: sub system:serviceaccount:ops:triage [kubernetes.io/namespace=ops] → triage-bot",
        `+ identity_provider Partner (keys from ${DISCOVERED}/oauth2/keys)`,
      ]),
    );
    expect(await counts(db)).toEqual(before);
  });

  it("applies them through the domain functions, each with its audit event", async () => {
    const result = await applyPolicy(db, SYSTEM, BASE, { fetch: discoveryFetch });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.applied).toBe(true);
    const idps = await db.trustedIdp.findMany({ orderBy: { name: "asc" } });
    expect(idps.map((i) => [i.name, i.roles, i.jwksUri, i.algorithms, i.userMatch])).toEqual([
      ["Cluster", "workload_issuer", null, "ES256", "sub"],
      ["Okta", "enterprise_idp id_jag_issuer", "https://acme.okta.example/oauth2/v1/keys", "RS256 ES256", "email"],
      ["Partner", "id_jag_issuer", `${DISCOVERED}/oauth2/keys`, "RS256 PS256 ES256 EdDSA", "sub"],
    ]);
    const rules = await db.agentWorkloadIdentity.findMany({
      include: { agent: { select: { name: true } } },
      orderBy: { subject: "asc" },
    });
    expect(rules.map((r) => [r.agent.name, r.subject, r.claims])).toEqual([
      ["ci-bot", "repo:acme/app:ref:refs/heads/main", null],
      ["triage-bot", "system:serviceaccount:ops:triage", { "kubernetes.io/namespace": "ops" }],
    ]);
    const audit = await db.auditEvent.findMany({
      where: { action: { startsWith: "trusted_issuer." } },
      select: { action: true, actorLabel: true },
    });
    expect(audit.filter((a) => a.action === "trusted_issuer.added")).toHaveLength(3);
    expect(audit.filter((a) => a.action === "trusted_issuer.workload_identity_added")).toHaveLength(2);
    expect(audit.every((a) => a.actorLabel === "mandate policy (test)")).toBe(true);
    expect((await verifyAuditChain(db)).firstBroken).toBeNull();
  });

  it("exports them, and the export round-trips: same plan, same text on another database", async () => {
    const text = await exportPolicy(db);
    const doc = parse(text) as { identityProviders: Record<string, unknown>[] };
    expect(doc.identityProviders.map((p) => p.name)).toEqual(["Cluster", "Okta", "Partner"]);
    expect(doc.identityProviders[1]).toEqual({
      name: "Okta",
      issuer: "https://acme.okta.example",
      roles: ["enterprise_idp", "id_jag_issuer"],
      jwksUri: "https://acme.okta.example/oauth2/v1/keys",
      algorithms: ["RS256", "ES256"],
      userMatch: "email",
      enabled: true,
    });
    expect(doc.identityProviders[0]).toMatchObject({
      jwks: { keys: [expect.objectContaining({ kid: "cluster-1", kty: "EC" })] },
      workloadIdentities: [
        { subject: "repo:acme/app:ref:refs/heads/main", agent: "ci-bot" },
        {
          subject: "system:serviceaccount:ops:triage",
          claims: { "kubernetes.io/namespace": "ops" },
          agent: "triage-bot",
        },
      ],
    });
    // Discovery happened once, at apply: the export names the keys' URL, so re-planning it fetches nothing.
    expect(doc.identityProviders[2]).toMatchObject({ jwksUri: `${DISCOVERED}/oauth2/keys` });
    const noFetch: FetchLike = async (url) => {
      throw new Error(`fetched ${url}`);
    };
    expect(await planPolicy(db, SYSTEM, text, { fetch: noFetch })).toMatchObject({
      ok: true,
      plan: { changes: [], kept: [] },
    });
    expect(await planPolicy(db, SYSTEM, BASE, { fetch: noFetch })).toMatchObject({
      ok: true,
      plan: { changes: [], kept: [] },
    });
    expect(await applyPolicy(db, SYSTEM, BASE)).toMatchObject({ ok: true, applied: false });

    const applied = await applyPolicy(db2, SYSTEM, text, { fetch: noFetch });
    if (!applied.ok) throw new Error(JSON.stringify(applied.issues));
    expect(await exportPolicy(db2)).toBe(text);
  });

  it("shows ~ for a changed issuer and - / + for changed rules, and applies them", async () => {
    const edited = BASE.replace("    userMatch: email\n", "    userMatch: sub\n").replace(
      "      - subject: repo:acme/app:ref:refs/heads/main\n        agent: ci-bot\n",
      "      - subject: repo:acme/app:ref:refs/heads/main\n        claims:\n          environment: production\n        agent: ci-bot\n",
    );
    const plan = await planPolicy(db, SYSTEM, edited, { fetch: discoveryFetch });
    if (!plan.ok) throw new Error(JSON.stringify(plan.issues));
    expect(formatPlan(plan.plan)).toEqual([
      "~ identity_provider Okta",
      '    userMatch: "email" → "sub"',
      "- workload_identity Cluster: sub repo:acme/app:ref:refs/heads/main → ci-bot (removed)",
      "+ workload_identity Cluster: sub repo:acme/app:ref:refs/heads/main [environment=production] → ci-bot",
    ]);
    const since = new Date();
    const applied = await applyPolicy(db, SYSTEM, edited, { fetch: discoveryFetch });
    expect(applied).toMatchObject({ ok: true, applied: true });
    expect((await db.trustedIdp.findUniqueOrThrow({ where: { name: "Okta" } })).userMatch).toBe("sub");
    const ci = await db.agentWorkloadIdentity.findMany({ where: { agent: { name: "ci-bot" } } });
    expect(ci.map((r) => r.claims)).toEqual([{ environment: "production" }]);
    const events = await db.auditEvent.findMany({
      where: { occurredAt: { gte: since }, action: { startsWith: "trusted_issuer." } },
      select: { action: true },
    });
    expect(events.map((e) => e.action).sort()).toEqual([
      "trusted_issuer.updated",
      "trusted_issuer.workload_identity_added",
      "trusted_issuer.workload_identity_removed",
    ]);
    expect(await planPolicy(db, SYSTEM, edited, { fetch: discoveryFetch })).toMatchObject({
      ok: true,
      plan: { changes: [] },
    });
    expect(await applyPolicy(db, SYSTEM, BASE, { fetch: discoveryFetch })).toMatchObject({ ok: true, applied: true });
  });

  it("keeps an issuer the file leaves out unless pruned, and prunes it with its rules", async () => {
    const withoutCluster = BASE.replace(/ {2}- name: Cluster\n[\s\S]*?(?= {2}- name: Partner)/, "");
    expect(withoutCluster).not.toContain("Cluster");
    const kept = await planPolicy(db, SYSTEM, withoutCluster);
    expect(kept).toMatchObject({
      ok: true,
      plan: { changes: [], kept: [{ kind: "identity_provider", label: "Cluster" }] },
    });
    const pruned = await planPolicy(db, SYSTEM, withoutCluster, { prune: true });
    if (!pruned.ok) throw new Error(JSON.stringify(pruned.issues));
    expect(formatPlan(pruned.plan)).toEqual([
      "- identity_provider Cluster (no longer trusted; its workload rules removed)",
    ]);
    expect(await applyPolicy(db2, SYSTEM, withoutCluster, { prune: true })).toMatchObject({ ok: true, applied: true });
    expect(await db2.trustedIdp.count({ where: { name: "Cluster" } })).toBe(0);
    expect(await db2.agentWorkloadIdentity.count()).toBe(0);
    expect(await db2.auditEvent.count({ where: { action: "trusted_issuer.workload_identity_removed" } })).toBe(2);
    expect((await verifyAuditChain(db2)).firstBroken).toBeNull();
  });

  describe("refuses a malformed section at its line and changes nothing", () => {
    // Lines of BASE: 24 Okta's roles, 27 its userMatch, 30 Cluster's roles, 32 its algorithms, 34-37 the triage rule, 41 Partner's issuer.
    const cases: [string, (base: string) => string, { line: number; path: string; message: RegExp }][] = [
      [
        "an unknown key",
        (b) => withLine(b, 27, "    userMatching: email"),
        { line: 27, path: "identityProviders[0].userMatching", message: /Unrecognized key/ },
      ],
      [
        "an unknown role",
        (b) => withLine(b, 24, "    roles: [enterprise_idp, workload_isuer]"),
        { line: 24, path: "identityProviders[0].roles[1]", message: /./ },
      ],
      [
        "an HMAC algorithm",
        (b) => withLine(b, 32, "    algorithms: [HS256]"),
        { line: 32, path: "identityProviders[1].algorithms[0]", message: /./ },
      ],
      [
        "an agent not in the file",
        (b) => withLine(b, 37, "        agent: nobody"),
        {
          line: 37,
          path: "identityProviders[1].workloadIdentities[0].agent",
          message: /No agent named “nobody” in this file/,
        },
      ],
      [
        "a reserved claim",
        (b) => withLine(b, 36, "          sub: other"),
        {
          line: 36,
          path: "identityProviders[1].workloadIdentities[0].claims",
          message: /iss, sub, aud and the time claims are checked already/,
        },
      ],
      [
        "an empty subject",
        (b) => withLine(b, 34, '      - subject: ""'),
        {
          line: 34,
          path: "identityProviders[1].workloadIdentities[0].subject",
          message: /Enter the workload's subject/,
        },
      ],
      [
        "a delegated agent (refused by the domain when rehearsed)",
        (b) => withLine(b, 37, "        agent: helper-agent"),
        {
          line: 37,
          path: "identityProviders[1].workloadIdentities[0].agent",
          message: /Only autonomous agents act on a workload identity/,
        },
      ],
      [
        "rules on an issuer that is not a workload issuer",
        (b) => withLine(b, 30, "    roles: [id_jag_issuer]"),
        { line: 30, path: "identityProviders[1].roles", message: /add workload_issuer to roles/ },
      ],
    ];
    it.each(cases)("%s", async (_name, edit, expected) => {
      const text = edit(BASE);
      const before = await counts(db);
      const plan = await planPolicy(db, SYSTEM, text, { fetch: discoveryFetch });
      expect(plan.ok).toBe(false);
      if (plan.ok) return;
      expect(plan.issues[0]).toMatchObject({
        line: expected.line,
        path: expected.path,
        message: expect.stringMatching(expected.message),
      });
      expect(formatIssue(plan.issues[0]!)).toMatch(new RegExp(`^line ${expected.line}: `));
      expect(await applyPolicy(db, SYSTEM, text, { fetch: discoveryFetch })).toMatchObject({ ok: false });
      expect(await counts(db)).toEqual(before);
    });

    it("a discovery failure, at the issuer's line", async () => {
      const text = withLine(BASE, 41, "    issuer: https://unknown.partner.example");
      const before = await counts(db);
      const result = await applyPolicy(db, SYSTEM, text, { fetch: discoveryFetch });
      expect(result).toMatchObject({
        ok: false,
        issues: [{ line: 41, path: "identityProviders[2].issuer", message: expect.stringMatching(/metadata/) }],
      });
      expect(await counts(db)).toEqual(before);
    });
  });
});
