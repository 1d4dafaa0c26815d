import { createHash } from "node:crypto";
import { AGENT_TEMPLATES, DEPARTMENTS, FIRST_NAMES, LAST_NAMES, SERVERS, type Risk } from "./catalog";
import type { Random } from "./random";
import type { BulkRow } from "@/lib/db/bulk-insert";
import { toolDefinitionHash } from "@/lib/servers/tool-definition-hash";
import { issuerFromEnv } from "@/lib/oauth/defaults";
import { gatewayResourceUri } from "@/lib/servers/gateway-resource";

export const DEMO_DOMAIN = "acme.example";
export const DEMO_IDP_ISSUER = "https://login.acme.example";
export const DEMO_PASSWORD = "mandate-demo";

/** One demo console account per role (README: "Sign in to the demo"). */
export const DEMO_ACCOUNTS = [
  { email: `admin@${DEMO_DOMAIN}`, name: "Alex Rivera", title: "IAM administrator", dept: "IT", roles: ["admin"] },
  {
    email: `reviewer@${DEMO_DOMAIN}`,
    name: "Robin Okafor",
    title: "Access reviewer",
    dept: "Security",
    roles: ["reviewer"],
  },
  {
    email: `oncall@${DEMO_DOMAIN}`,
    name: "Sam Novak",
    title: "Site reliability engineer",
    dept: "Platform",
    roles: ["oncall"],
  },
  {
    email: `auditor@${DEMO_DOMAIN}`,
    name: "Jordan Haddad",
    title: "Internal auditor",
    dept: "Legal",
    roles: ["auditor"],
  },
] as const;

export interface OrgTool {
  id: string;
  serverId: string;
  name: string;
  risk: Risk;
  scope: string;
  approved: boolean;
}
export interface OrgEntitlement {
  id: string;
  name: string;
  serverId: string;
  toolIds: string[];
  scopes: string[];
  maxSessionSeconds: number;
  reauthIntervalSeconds: number | null;
}
export interface OrgAgent {
  id: string;
  clientId: string;
  name: string;
  kind: "autonomous" | "delegated";
  status: "active" | "suspended" | "retired";
  ownerId: string;
  servers: string[];
}
export interface OrgAssignment {
  id: string;
  entitlementId: string;
  principalType: "agent" | "user" | "group";
  principalId: string;
  expiresAt: Date | null;
  endedAt: Date | null;
}

export interface Org {
  rows: Record<string, BulkRow[]>;
  userIds: string[];
  adminId: string;
  servers: { id: string; slug: string; name: string; resourceUri: string }[];
  tools: OrgTool[];
  entitlements: OrgEntitlement[];
  agents: OrgAgent[];
  assignments: OrgAssignment[];
  /** userId → groupIds */
  memberships: Map<string, string[]>;
}

const DAY = 86_400_000;

function slugify(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/(^-|-$)/g, "");
}

/**
 * Builds the demo enterprise in memory: people, groups, MCP servers and their
 * tools, entitlements, agents and assignments. Deterministic for a given
 * Random; times are relative to `now` so that the demo is always current.
 */
export function buildOrg(rnd: Random, now: number, passwordHash: string, peopleCount = 320): Org {
  const rows: Record<string, BulkRow[]> = {
    User: [],
    Group: [],
    GroupMembership: [],
    UserRole: [],
    McpServer: [],
    Tool: [],
    Agent: [],
    Entitlement: [],
    EntitlementTool: [],
    Assignment: [],
  };
  const orgStart = now - 400 * DAY;
  const at = (daysAgo: number) => new Date(now - daysAgo * DAY);
  const id = (ms: number) => rnd.idAt(ms);

  // ── people
  const userIds: string[] = [];
  const byDept = new Map<string, string[]>();
  const usedEmails = new Set<string>();
  const addUser = (u: {
    email: string;
    displayName: string;
    given: string;
    family: string;
    title: string;
    dept: string;
    managerId: string | null;
    active?: boolean;
    password?: boolean;
  }) => {
    const uid = id(orgStart + userIds.length * 1000);
    const created = at(rnd.int(120, 400));
    const active = u.active ?? true;
    rows.User!.push({
      id: uid,
      email: u.email,
      displayName: u.displayName,
      givenName: u.given,
      familyName: u.family,
      title: u.title,
      department: u.dept,
      idpIssuer: DEMO_IDP_ISSUER,
      idpSubject: createHash("sha256").update(u.email).digest("hex").slice(0, 24),
      externalId: null,
      managerId: u.managerId,
      active,
      source: "seed",
      passwordHash: u.password ? passwordHash : null,
      createdAt: created,
      updatedAt: created,
      deactivatedAt: active ? null : at(rnd.int(5, 60)),
    });
    userIds.push(uid);
    byDept.set(u.dept, [...(byDept.get(u.dept) ?? []), uid]);
    usedEmails.add(u.email);
    return uid;
  };
  const ceo = addUser({
    email: `ceo@${DEMO_DOMAIN}`,
    displayName: "Morgan Lee",
    given: "Morgan",
    family: "Lee",
    title: "Chief Executive Officer",
    dept: "Operations",
    managerId: null,
  });
  const heads = new Map<string, string>();
  for (const dept of DEPARTMENTS) {
    const given = rnd.pick(FIRST_NAMES),
      family = rnd.pick(LAST_NAMES);
    const email = `${given}.${family}.head@${DEMO_DOMAIN}`.toLowerCase().replace(/\s+/g, "");
    heads.set(
      dept,
      addUser({
        email,
        displayName: `${given} ${family}`,
        given,
        family,
        title: `Head of ${dept}`,
        dept,
        managerId: ceo,
      }),
    );
  }
  const accountIds: string[] = [];
  for (const a of DEMO_ACCOUNTS) {
    const [given, family] = a.name.split(" ") as [string, string];
    const uid = addUser({
      email: a.email,
      displayName: a.name,
      given,
      family,
      title: a.title,
      dept: a.dept,
      managerId: heads.get(a.dept)!,
      password: true,
    });
    accountIds.push(uid);
    for (const role of a.roles) rows.UserRole!.push({ userId: uid, role, grantedBy: null, createdAt: at(200) });
  }
  const adminId = accountIds[0]!;
  while (userIds.length < peopleCount) {
    const given = rnd.pick(FIRST_NAMES),
      family = rnd.pick(LAST_NAMES);
    const base = `${given}.${family}`.toLowerCase().replace(/\s+/g, "");
    let email = `${base}@${DEMO_DOMAIN}`;
    for (let n = 2; usedEmails.has(email); n++) email = `${base}${n}@${DEMO_DOMAIN}`;
    const dept = rnd.pick(DEPARTMENTS);
    const peers = byDept.get(dept) ?? [];
    // Managers are the department head or an earlier member, giving a real hierarchy.
    const managerId = peers.length > 3 && rnd.chance(0.3) ? rnd.pick(peers.slice(1)) : heads.get(dept)!;
    addUser({
      email,
      displayName: `${given} ${family}`,
      given,
      family,
      title: `${rnd.pick(["Senior ", "", "Staff ", "Lead ", ""])}${rnd.pick(["Engineer", "Analyst", "Specialist", "Manager", "Associate", "Consultant"])}`,
      dept,
      managerId,
      active: rnd.chance(0.97),
    });
  }

  // ── groups
  const groups = new Map<string, string>();
  const memberships = new Map<string, string[]>();
  const addGroup = (name: string, description: string, members: string[]) => {
    const gid = id(orgStart + 10_000_000 + groups.size * 1000);
    groups.set(name, gid);
    rows.Group!.push({
      id: gid,
      displayName: name,
      description,
      externalId: null,
      source: "seed",
      createdAt: at(380),
      updatedAt: at(30),
    });
    for (const m of new Set(members)) {
      rows.GroupMembership!.push({ groupId: gid, userId: m, createdAt: at(rnd.int(30, 380)) });
      memberships.set(m, [...(memberships.get(m) ?? []), gid]);
    }
  };
  addGroup("All employees", "Everyone with an active account", userIds);
  for (const dept of DEPARTMENTS) addGroup(dept, `Members of the ${dept} department`, byDept.get(dept) ?? []);
  const eng = [...(byDept.get("Engineering") ?? []), ...(byDept.get("Platform") ?? [])];
  addGroup("On-call engineers", "Primary and secondary on-call rotation", rnd.sample(eng, 18));
  addGroup("Sales leadership", "Regional sales directors", rnd.sample(byDept.get("Sales") ?? [], 6));
  addGroup("Finance approvers", "May approve invoices and payment runs", rnd.sample(byDept.get("Finance") ?? [], 5));
  addGroup("Data platform team", "Owns the warehouse", rnd.sample([...(byDept.get("Data") ?? []), ...eng], 12));
  addGroup("Security operations", "SOC analysts", rnd.sample(byDept.get("Security") ?? [], 8));
  addGroup("Contractors", "External contractors with limited access", rnd.sample(userIds.slice(20), 15));
  addGroup("Support tier 2", "Escalation support engineers", rnd.sample(byDept.get("Customer Support") ?? [], 8));
  addGroup(
    "HR business partners",
    "People partners with access to worker records",
    rnd.sample(byDept.get("People") ?? [], 5),
  );
  addGroup("Executives", "Executive team", [ceo, ...heads.values()]);

  // ── servers, tools, entitlements
  const servers: Org["servers"] = [];
  const tools: OrgTool[] = [];
  const entitlements: OrgEntitlement[] = [];
  const entByName = new Map<string, OrgEntitlement>();
  SERVERS.forEach((s, si) => {
    const sid = id(orgStart + 20_000_000 + si * 1000);
    const created = at(360 - si * 7);
    // A gateway server's resource URI is its gateway URL under this deployment's issuer (lib/servers/gateway-resource.ts).
    const resourceUri =
      s.mode === "gateway" ? gatewayResourceUri(issuerFromEnv(), s.slug) : `https://mcp.${s.slug}.${DEMO_DOMAIN}/mcp`;
    const owner = heads.get(rnd.pick(["IT", "Platform", "Engineering", "Data"]))!;
    rows.McpServer!.push({
      id: sid,
      name: s.name,
      slug: s.slug,
      description: s.description,
      resourceUri,
      authorizationServerIssuer: s.mode === "gateway" ? null : `https://mandate.${DEMO_DOMAIN}`,
      enforcementMode: s.mode,
      upstreamUrl: s.mode === "gateway" ? `https://${s.slug}.internal.${DEMO_DOMAIN}/mcp` : null,
      upstreamCredentialEnc: null,
      argumentLogging: s.mode === "gateway" ? "hash" : "none",
      ownerId: owner,
      category: s.category,
      lastSyncedAt: at(rnd.int(1, 10)),
      createdAt: created,
      updatedAt: created,
    });
    servers.push({ id: sid, slug: s.slug, name: s.name, resourceUri });
    s.tools.forEach(([name, risk, scopeSuffix, description], ti) => {
      const tid = id(orgStart + 30_000_000 + si * 100_000 + ti * 1000);
      // The newest tools of a few servers are still waiting for approval.
      const approved = !(ti === s.tools.length - 1 && si % 3 === 0);
      const seen = at(approved ? 350 - si * 7 : rnd.int(1, 6));
      const scope = `${s.scopePrefix}:${scopeSuffix}`;
      const inputSchema = { type: "object", properties: { query: { type: "string" } } };
      rows.Tool!.push({
        id: tid,
        serverId: sid,
        name,
        title: name.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase()),
        description,
        inputSchema,
        definitionHash: toolDefinitionHash({ name, description, inputSchema }),
        risk,
        scope,
        status: approved ? "approved" : "pending",
        approvedById: approved ? adminId : null,
        approvedAt: approved ? seen : null,
        firstSeenAt: seen,
        lastSeenAt: at(rnd.int(0, 3)),
        updatedAt: seen,
      });
      tools.push({ id: tid, serverId: sid, name, risk, scope, approved });
    });
    s.bundles.forEach((b, bi) => {
      const eid = id(orgStart + 40_000_000 + si * 100_000 + bi * 1000);
      const scopes = b.scopes.map((x) => `${s.scopePrefix}:${x}`);
      const toolIds = tools
        .filter((t) => t.serverId === sid && t.approved && scopes.includes(t.scope))
        .map((t) => t.id);
      const name = `${s.name} — ${b.suffix}`;
      rows.Entitlement!.push({
        id: eid,
        name,
        description: `${b.suffix} access to ${s.name}`,
        serverId: sid,
        maxSessionSeconds: b.maxSessionHours * 3600,
        reauthIntervalSeconds: b.reauthHours ? b.reauthHours * 3600 : null,
        createdAt: at(340 - si * 5),
        updatedAt: at(rnd.int(10, 100)),
      });
      for (const t of toolIds) rows.EntitlementTool!.push({ entitlementId: eid, toolId: t });
      const ent = {
        id: eid,
        name,
        serverId: sid,
        toolIds,
        scopes,
        maxSessionSeconds: b.maxSessionHours * 3600,
        reauthIntervalSeconds: b.reauthHours ? b.reauthHours * 3600 : null,
      };
      entitlements.push(ent);
      entByName.set(`${s.slug}/${b.suffix}`, ent);
    });
  });

  // ── assignments
  const assignments: OrgAssignment[] = [];
  const assign = (
    entitlement: OrgEntitlement,
    principalType: OrgAssignment["principalType"],
    principalId: string,
    justification: string,
    opts: { expiresInDays?: number; endedDaysAgo?: number } = {},
  ) => {
    const created = now - rnd.int(20, 300) * DAY;
    const aid = id(created);
    const expiresAt = opts.expiresInDays === undefined ? null : new Date(now + opts.expiresInDays * DAY);
    const endedAt = opts.endedDaysAgo === undefined ? null : new Date(now - opts.endedDaysAgo * DAY);
    rows.Assignment!.push({
      id: aid,
      entitlementId: entitlement.id,
      principalType,
      agentId: principalType === "agent" ? principalId : null,
      userId: principalType === "user" ? principalId : null,
      groupId: principalType === "group" ? principalId : null,
      excludedToolIds: null,
      expiresAt,
      justification,
      grantedById: adminId,
      createdAt: new Date(created),
      endedAt,
      endedReason: endedAt ? "Expired" : null,
    });
    assignments.push({ id: aid, entitlementId: entitlement.id, principalType, principalId, expiresAt, endedAt });
  };
  const groupGrants: [string, string[]][] = [
    ["All employees", ["slack/Reader", "confluence/Reader", "workday/Directory", "drive/Reader"]],
    ["Engineering", ["github/Contributor", "jira/Agent", "confluence/Editor", "slack/Poster"]],
    ["Platform", ["github/Contributor", "aws-ops/Observer", "pagerduty/Responder", "jira/Agent"]],
    ["On-call engineers", ["aws-ops/Operator", "pagerduty/Incident commander"]],
    ["Data", ["snowflake/Analyst", "jira/Reader"]],
    ["Data platform team", ["snowflake/Data engineer"]],
    ["Sales", ["salesforce/Sales assistant", "drive/Writer", "slack/Poster"]],
    ["Sales leadership", ["salesforce/Customer data"]],
    ["Finance", ["sap-erp/Viewer", "snowflake/Finance analyst"]],
    ["Finance approvers", ["sap-erp/Approver"]],
    ["Customer Support", ["zendesk/Support agent", "salesforce/Reader"]],
    ["Support tier 2", ["zendesk/Refunds"]],
    ["People", ["workday/HR partner"]],
    ["HR business partners", ["workday/Compensation"]],
    ["Security", ["aws-ops/Observer", "pagerduty/Responder", "github/Reader"]],
    ["Security operations", ["aws-ops/Cloud admin"]],
    ["Marketing", ["snowflake/Analyst", "drive/Sharing"]],
    ["Legal", ["drive/Writer"]],
    ["Contractors", ["github/Reader", "jira/Reader"]],
  ];
  for (const [g, ents] of groupGrants) {
    for (const e of ents) assign(entByName.get(e)!, "group", groups.get(g)!, `${g} baseline access`);
  }
  // A few people hold elevated access directly, some of it time-bound, some of it lapsed.
  const elevated = [
    "github/Administrator",
    "salesforce/CRM admin",
    "snowflake/Warehouse admin",
    "slack/Workspace admin",
    "jira/Project admin",
    "confluence/Space admin",
  ];
  for (let i = 0; i < 24; i++) {
    const e = entByName.get(rnd.pick(elevated))!;
    const u = rnd.pick(userIds.slice(1));
    const r = rnd.next();
    assign(
      e,
      "user",
      u,
      rnd.pick([
        "Break-glass access for migration project",
        "Temporary admin during vendor evaluation",
        "Covering for team lead on leave",
        "Quarterly data clean-up",
      ]),
      r < 0.5
        ? { expiresInDays: rnd.int(3, 60) }
        : r < 0.75
          ? { endedDaysAgo: rnd.int(1, 40), expiresInDays: -rnd.int(1, 40) }
          : {},
    );
  }

  // ── agents
  const agents: OrgAgent[] = [];
  const bundleFor = (slug: string, kind: string, r: number): string => {
    const s = SERVERS.find((x) => x.slug === slug)!;
    // Autonomous agents tend to hold more than they use: the excess-privilege story.
    const idx =
      kind === "autonomous"
        ? r < 0.25
          ? s.bundles.length - 1
          : Math.min(1, s.bundles.length - 1)
        : r < 0.15
          ? s.bundles.length - 1
          : Math.min(1, s.bundles.length - 1);
    return `${slug}/${s.bundles[idx]!.suffix}`;
  };
  const owners = userIds.slice(1, 120);
  AGENT_TEMPLATES.forEach(([name, kind, purpose, serverSlugs], ai) => {
    const created = now - rnd.int(30, 330) * DAY;
    const aid = id(orgStart + 50_000_000 + ai * 1000);
    const status = ai === 37 ? "suspended" : ai === 38 ? "retired" : "active";
    const ownerId = rnd.pick(owners);
    const authMethod = ai % 3 === 0 ? "client_secret_basic" : "private_key_jwt";
    const clientId = `agent-${slugify(name)}`;
    rows.Agent!.push({
      id: aid,
      clientId,
      name,
      purpose,
      kind,
      status,
      ownerId,
      ownerlessSince: null,
      authMethod,
      jwksUri: authMethod === "private_key_jwt" ? `https://agents.${DEMO_DOMAIN}/${slugify(name)}/jwks.json` : null,
      jwks: null,
      clientSecretHash:
        authMethod === "client_secret_basic" ? createHash("sha256").update(`demo-secret-${ai}`).digest("hex") : null,
      allowedGrantTypes:
        kind === "autonomous"
          ? "client_credentials"
          : "urn:ietf:params:oauth:grant-type:token-exchange urn:ietf:params:oauth:grant-type:jwt-bearer",
      maxTokenLifetimeSeconds: rnd.pick([300, 300, 600, 900]),
      createdAt: new Date(created),
      updatedAt: new Date(created + 10 * DAY),
      suspendedAt: status === "suspended" ? at(3) : null,
      retiredAt: status === "retired" ? at(20) : null,
    });
    agents.push({ id: aid, clientId, name, kind, status, ownerId, servers: [...serverSlugs] });
    for (const slug of serverSlugs) {
      const r = rnd.next();
      assign(
        entByName.get(bundleFor(slug, kind, r))!,
        "agent",
        aid,
        `${name}: ${purpose.toLowerCase()}`,
        rnd.chance(0.2) ? { expiresInDays: rnd.int(10, 120) } : {},
      );
    }
  });

  return { rows, userIds, adminId, servers, tools, entitlements, agents, assignments, memberships };
}
