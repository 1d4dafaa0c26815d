import { reactivateAgentIn } from "@/lib/agents/reactivate-agent";
import { registerAgentIn } from "@/lib/agents/register-agent";
import { retireAgentIn } from "@/lib/agents/retire-agent";
import { suspendAgentIn } from "@/lib/agents/suspend-agent";
import { updateAgentIn } from "@/lib/agents/update-agent";
import { createAssignmentIn } from "@/lib/assignments/create-assignment";
import { endAssignmentIn } from "@/lib/assignments/end-assignment";
import { narrowAssignmentIn } from "@/lib/assignments/narrow-assignment";
import type { Principal } from "@/lib/auth/principal";
import type { Tx } from "@/lib/db/client";
import { createEntitlementIn } from "@/lib/entitlements/create-entitlement";
import { deleteEntitlementIn } from "@/lib/entitlements/delete-entitlement";
import { updateEntitlementIn } from "@/lib/entitlements/update-entitlement";
import { DomainError } from "@/lib/errors/domain-error";
import { decideToolIn } from "@/lib/servers/decide-tool";
import { declareToolIn } from "@/lib/servers/declare-tool";
import { deleteServerIn } from "@/lib/servers/delete-server";
import { issuerFromEnv } from "@/lib/oauth/defaults";
import { gatewayResourceUri } from "@/lib/servers/gateway-resource";
import { registerServerIn } from "@/lib/servers/register-server";
import { slugOf } from "@/lib/servers/slug";
import { updateServerIn } from "@/lib/servers/update-server";
import { updateToolIn } from "@/lib/servers/update-tool";
import type { IssuerAlgorithm, IssuerRole } from "@/lib/federation/issuer-roles";
import { addTrustedIssuerIn, removeTrustedIssuerIn, updateTrustedIssuerIn } from "@/lib/federation/trusted-issuers";
import { addWorkloadIdentityIn, removeWorkloadIdentityIn } from "@/lib/federation/workload-identities";
import { assignmentKey, workloadRuleKey, type CurrentModel } from "./current-model";
import type { ChangeKind, FieldChange, IssuedCredential, Plan, PlanChange, PolicyIssue } from "./plan-types";
import type { PolicyPath } from "./policy-schema";
import type { PolicySource } from "./source-map";
import {
  AGENT_FIELDS,
  assignmentFields,
  ENTITLEMENT_FIELDS,
  IDENTITY_PROVIDER_FIELDS,
  SERVER_FIELDS,
  TOOL_FIELDS,
  WORKLOAD_IDENTITY_FIELDS,
  type FileAgent,
  type FileServer,
  type FileTool,
  type PolicyEntries,
} from "./validate-entries";

export interface StepContext {
  tx: Tx;
  principal: Principal;
  now: Date;
  credentials: IssuedCredential[];
}

/** One call of a domain function, with the place in the file its refusals are reported at. */
export interface Step {
  path: PolicyPath;
  /** The domain's field names → the file's keys, for DomainError.field. */
  fields: Record<string, string>;
  run(ctx: StepContext): Promise<void>;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The fields of `keys` whose values differ (before: the database, after: the file). */
function diff<K extends string>(
  before: Record<K, unknown>,
  after: Record<K, unknown>,
  keys: readonly K[],
): FieldChange[] {
  return keys
    .filter((k) => !same(before[k] ?? null, after[k] ?? null))
    .map((k) => ({ field: k, before: before[k] ?? null, after: after[k] ?? null }));
}

// ───────────── lookups by the names a file uses, inside the applying transaction

async function serverIdOf(tx: Tx, name: string): Promise<string> {
  const server = await tx.mcpServer.findUnique({ where: { name }, select: { id: true } });
  if (!server) throw new DomainError("not_found", `No server named “${name}”`, "serverId");
  return server.id;
}

async function toolIdsOf(tx: Tx, serverId: string, names: readonly string[]): Promise<string[]> {
  const tools = await tx.tool.findMany({ where: { serverId, name: { in: [...names] } }, select: { id: true } });
  if (tools.length !== names.length)
    throw new DomainError("not_found", "Some of the listed tools do not exist on the server", "toolIds");
  return tools.map((t) => t.id);
}

async function toolIdOf(tx: Tx, serverName: string, toolName: string): Promise<string> {
  const tool = await tx.tool.findFirst({
    where: { name: toolName, server: { name: serverName } },
    select: { id: true },
  });
  if (!tool) throw new DomainError("not_found", `${serverName} has no tool named ${toolName}`, "toolId");
  return tool.id;
}

async function personIdOf(tx: Tx, email: string, field: string): Promise<string> {
  const person = await tx.user.findUnique({ where: { email }, select: { id: true, active: true } });
  if (!person || !person.active) throw new DomainError("invalid", `No active person has the email ${email}`, field);
  return person.id;
}

/** An agent's owner can be changed, never removed: removing one is what a person leaving does. */
async function ownerIdOf(tx: Tx, email: string | null): Promise<string> {
  if (!email) throw new DomainError("invalid", "An agent's owner can be changed but not removed", "ownerId");
  return personIdOf(tx, email, "ownerId");
}

async function agentIdOf(tx: Tx, name: string): Promise<string> {
  const agent = await tx.agent.findUnique({ where: { name }, select: { id: true } });
  if (!agent) throw new DomainError("not_found", `No agent named “${name}”`, "principalId");
  return agent.id;
}

async function principalIdOf(tx: Tx, type: "agent" | "user" | "group", ref: string): Promise<string> {
  if (type === "agent") return agentIdOf(tx, ref);
  if (type === "user") {
    const user = await tx.user.findUnique({ where: { email: ref }, select: { id: true } });
    if (!user) throw new DomainError("not_found", `No person has the email ${ref}`, "principalId");
    return user.id;
  }
  const group = await tx.group.findUnique({ where: { displayName: ref }, select: { id: true } });
  if (!group) throw new DomainError("not_found", `No group named “${ref}”`, "principalId");
  return group.id;
}

async function entitlementIdOf(tx: Tx, name: string): Promise<string> {
  const row = await tx.entitlement.findUnique({ where: { name }, select: { id: true } });
  if (!row) throw new DomainError("not_found", `No entitlement named “${name}”`, "entitlementId");
  return row.id;
}

/** The ids of the tools an assignment leaves out, named on its entitlement's server. */
async function excludedToolIdsOf(tx: Tx, entitlementName: string, toolNames: readonly string[]): Promise<string[]> {
  if (toolNames.length === 0) return [];
  const row = await tx.entitlement.findUnique({ where: { name: entitlementName }, select: { serverId: true } });
  if (!row) throw new DomainError("not_found", `No entitlement named “${entitlementName}”`, "entitlementId");
  return toolIdsOf(tx, row.serverId, toolNames);
}

type GrantTerms = { expires: string | null; justification: string; excludedTools: string[] };
const sameTerms = (a: GrantTerms, b: GrantTerms) =>
  same([a.expires, a.justification, a.excludedTools], [b.expires, b.justification, b.excludedTools]);
/** Only more tools left out, nothing else changed: the grant is narrowed in place, as a "reduce" review decision does. */
const narrowsOnly = (current: GrantTerms, wanted: GrantTerms) =>
  same([current.expires, current.justification], [wanted.expires, wanted.justification]) &&
  current.excludedTools.every((t) => wanted.excludedTools.includes(t));
const GRANT_DIFF = ["expires", "excludedTools", "justification"] as const;

const SERVER_DIFF = [
  "description",
  "category",
  "resourceUri",
  "issuer",
  "mode",
  "upstreamUrl",
  "argumentLogging",
  "owner",
] as const;
const AGENT_FIXED = ["kind", "authMethod", "jwksUri", "jwks"] as const;
const AGENT_DIFF = ["owner", "purpose", "grantTypes", "maxTokenLifetimeSeconds"] as const;
const ENTITLEMENT_DIFF = ["description", "tools", "maxSessionSeconds", "reauthIntervalSeconds"] as const;
const IDP_DIFF = ["issuer", "roles", "jwksUri", "jwks", "algorithms", "userMatch", "enabled"] as const;
const POLICY_REASON = "Not in the policy file";
const DECISION = { approved: "approve", rejected: "reject" } as const;
const REASON = { approved: "Approved", rejected: "Rejected" } as const;

/**
 * Compares the file's entries with the database's model and lists, in the
 * order they must run, the domain calls that make the database say what the
 * file says. Changes the domain forbids (an agent's kind, an entitlement's
 * server, un-retiring) are issues here, at their line.
 *
 * What the file does not list: assignments are ended (a grant exists because
 * a file says so); servers, agents and entitlements are only reported as kept
 * unless `prune` — removing them is destructive and a partial file is an easy
 * mistake. Tools are never removed: they come from the server (a sync marks
 * them removed).
 */
export function buildSteps(
  source: PolicySource,
  entries: PolicyEntries,
  model: CurrentModel,
  prune: boolean,
): { ok: true; plan: Plan; steps: Step[] } | { ok: false; issues: PolicyIssue[] } {
  const issues: PolicyIssue[] = [];
  const changes: PlanChange[] = [];
  const kept: Plan["kept"] = [];
  const steps: Step[] = [];
  const endings: Step[] = [];
  const lineOf = (path: PolicyPath) => source.issueAt(path, "").line;
  const change = (
    op: PlanChange["op"],
    kind: ChangeKind,
    label: string,
    path: PolicyPath | null,
    fields: FieldChange[] = [],
    note?: string,
  ) => changes.push({ op, kind, label, fields, line: path ? lineOf(path) : null, ...(note ? { note } : {}) });
  const refuse = (path: PolicyPath, message: string) => issues.push(source.issueAt(path, message));

  // ───────────── servers and their tools
  const toolSteps = (
    server: FileServer,
    tool: FileTool,
    current: { risk: string; scope: string; status: string } | undefined,
  ) => {
    const label = `${server.name} / ${tool.name}`;
    if (!current) {
      change(
        "create",
        "tool",
        label,
        tool.path,
        [],
        tool.status === "pending" ? undefined : `declared, then ${tool.status}`,
      );
      steps.push({
        path: tool.path,
        fields: TOOL_FIELDS,
        run: async ({ tx, principal }) => {
          const { id } = await declareToolIn(tx, principal, await serverIdOf(tx, server.name), tool);
          if (tool.status !== "pending")
            await decideToolIn(tx, principal, DECISION[tool.status], {
              toolId: id,
              reason: `${REASON[tool.status]} by policy file`,
            });
        },
      });
      return;
    }
    const fields = diff(current, tool, ["risk", "scope", "status"]);
    if (fields.length === 0) return;
    if (tool.status === "pending" && current.status !== "pending") {
      refuse([...tool.path, "status"], `A ${current.status} tool cannot go back to pending; approve or reject it`);
      return;
    }
    change("update", "tool", label, tool.path, fields);
    steps.push({
      path: tool.path,
      fields: TOOL_FIELDS,
      run: async ({ tx, principal }) => {
        const toolId = await toolIdOf(tx, server.name, tool.name);
        if (current.risk !== tool.risk || current.scope !== tool.scope)
          await updateToolIn(tx, principal, { toolId, risk: tool.risk as "read", scope: tool.scope });
        if (current.status !== tool.status && tool.status !== "pending") {
          await decideToolIn(tx, principal, DECISION[tool.status], {
            toolId,
            reason: `${REASON[tool.status]} by policy file`,
          });
        }
      },
    });
  };

  for (const s of entries.servers) {
    const current = model.servers.find((c) => c.name === s.name);
    // Left out, a gateway server's resource URI is its gateway URL; the plan shows that value, and a stale stored one changing to it.
    const resourceUri =
      s.resourceUri ??
      (s.mode === "gateway" ? gatewayResourceUri(issuerFromEnv(), current?.slug ?? slugOf(s.name)) : null);
    const input = {
      name: s.name,
      description: s.description ?? undefined,
      category: s.category ?? undefined,
      resourceUri: resourceUri ?? undefined,
      authorizationServerIssuer: s.issuer ?? undefined,
      enforcementMode: s.mode as "native" | "gateway",
      upstreamUrl: s.upstreamUrl ?? undefined,
      argumentLogging: s.argumentLogging as "none",
      ownerEmail: s.owner ?? undefined,
    };
    if (!current) {
      change("create", "server", s.name, s.path);
      steps.push({
        path: s.path,
        fields: SERVER_FIELDS,
        run: async ({ tx, principal }) => void (await registerServerIn(tx, principal, input)),
      });
    } else {
      const fields = diff(current, { ...s, resourceUri }, SERVER_DIFF);
      if (fields.length > 0) {
        change("update", "server", s.name, s.path, fields);
        // The stored upstream credential is kept: files never carry it.
        steps.push({
          path: s.path,
          fields: SERVER_FIELDS,
          run: async ({ tx, principal }) => void (await updateServerIn(tx, principal, { id: current.id, ...input })),
        });
      }
      for (const t of current.tools)
        if (!s.tools.some((f) => f.name === t.name)) kept.push({ kind: "tool", label: `${s.name} / ${t.name}` });
    }
    for (const t of s.tools)
      toolSteps(
        s,
        t,
        current?.tools.find((c) => c.name === t.name),
      );
  }

  // ───────────── agents
  const agentStatusStep = (a: FileAgent, from: string) => {
    const to = a.status;
    if (from === to) return;
    steps.push({
      path: [...a.path, "status"],
      fields: AGENT_FIELDS,
      run: async ({ tx, principal, now }) => {
        const id = await agentIdOf(tx, a.name);
        if (to === "retired") await retireAgentIn(tx, principal, id, "Retired by policy file", now);
        else if (to === "suspended") await suspendAgentIn(tx, principal, id, now);
        else await reactivateAgentIn(tx, principal, id, now);
      },
    });
  };
  for (const a of entries.agents) {
    const current = model.agents.find((c) => c.name === a.name);
    if (!current) {
      change("create", "agent", a.name, a.path, [], a.status === "active" ? undefined : `registered, then ${a.status}`);
      steps.push({
        path: a.path,
        fields: AGENT_FIELDS,
        run: async (ctx) => {
          if (!a.owner)
            throw new DomainError(
              "invalid",
              "A new agent needs an owner: the email of the person accountable for it",
              "ownerId",
            );
          const ownerId = await personIdOf(ctx.tx, a.owner, "ownerId");
          const created = await registerAgentIn(
            ctx.tx,
            ctx.principal,
            {
              name: a.name,
              ownerId,
              purpose: a.purpose ?? "",
              kind: a.kind as "autonomous",
              authMethod: a.authMethod as "private_key_jwt",
              jwksUri: a.jwksUri ?? undefined,
              jwks: a.jwks ?? undefined,
              allowedGrantTypes: a.grantTypes as never,
              maxTokenLifetimeSeconds: a.maxTokenLifetimeSeconds,
            },
            ctx.now,
          );
          if (created.clientSecret && a.status !== "retired")
            ctx.credentials.push({ agent: a.name, clientId: created.clientId, clientSecret: created.clientSecret });
        },
      });
      agentStatusStep(a, "active");
      continue;
    }
    for (const key of AGENT_FIXED) {
      if (!same(current[key] ?? null, a[key] ?? null))
        refuse([...a.path, key], `An agent's ${key} is fixed at registration; register a new agent instead`);
    }
    if (current.status === "retired" && a.status !== "retired") {
      refuse([...a.path, "status"], "This agent is retired; retirement is final (register a new agent)");
      continue;
    }
    const fields = diff(current, a, AGENT_DIFF);
    if (fields.length > 0 && current.status === "retired") {
      refuse(a.path, "This agent is retired; it can no longer change");
      continue;
    }
    const statusChange =
      current.status !== a.status ? [{ field: "status", before: current.status, after: a.status }] : [];
    if (fields.length + statusChange.length > 0)
      change("update", "agent", a.name, a.path, [...fields, ...statusChange]);
    if (fields.length > 0) {
      steps.push({
        path: a.path,
        fields: AGENT_FIELDS,
        run: async ({ tx, principal, now }) => {
          const changed = new Set(fields.map((f) => f.field));
          await updateAgentIn(
            tx,
            principal,
            {
              agentId: current.id,
              ...(changed.has("owner") ? { ownerId: await ownerIdOf(tx, a.owner) } : {}),
              ...(changed.has("purpose") ? { purpose: a.purpose ?? "" } : {}),
              ...(changed.has("grantTypes") ? { allowedGrantTypes: a.grantTypes as never } : {}),
              ...(changed.has("maxTokenLifetimeSeconds") ? { maxTokenLifetimeSeconds: a.maxTokenLifetimeSeconds } : {}),
            },
            now,
          );
        },
      });
    }
    agentStatusStep(a, current.status);
  }

  // ───────────── trusted identity providers and their workload rules (after agents: a rule names one)
  const ruleLabel = (idp: string, r: { subject: string; claims: Record<string, string>; agent: string }) => {
    const claims = Object.entries(r.claims).map(([k, v]) => `${k}=${v}`);
    return `${idp}: sub ${r.subject}${claims.length > 0 ? ` [${claims.join(", ")}]` : ""} → ${r.agent}`;
  };
  for (const p of entries.identityProviders) {
    const current = model.identityProviders.find((c) => c.name === p.name);
    const input = {
      name: p.name,
      issuer: p.issuer,
      roles: p.roles as IssuerRole[],
      algorithms: p.algorithms as IssuerAlgorithm[],
      userMatch: p.userMatch as "sub",
      enabled: p.enabled,
      ...(p.jwks
        ? { keySource: "jwks" as const, jwks: p.jwks }
        : { keySource: "jwks_uri" as const, jwksUri: p.jwksUri }),
    };
    if (!current) {
      change(
        "create",
        "identity_provider",
        p.name,
        p.path,
        [],
        p.discover ? `keys from ${p.jwksUri ?? "discovery"}` : undefined,
      );
      steps.push({
        path: p.path,
        fields: IDENTITY_PROVIDER_FIELDS,
        run: async ({ tx, principal, now }) => void (await addTrustedIssuerIn(tx, principal, input, now)),
      });
    } else {
      const fields = diff(current, p, IDP_DIFF);
      if (fields.length > 0) {
        change("update", "identity_provider", p.name, p.path, fields);
        steps.push({
          path: p.path,
          fields: IDENTITY_PROVIDER_FIELDS,
          run: async ({ tx, principal, now }) => updateTrustedIssuerIn(tx, principal, current.id, input, now),
        });
      }
      // A listed issuer's rules are exactly the file's: each lets a workload act as an agent, as an assignment grants access.
      for (const r of current.workloadIdentities) {
        if (p.workloadIdentities.some((w) => workloadRuleKey(w) === workloadRuleKey(r))) continue;
        change("remove", "workload_identity", ruleLabel(p.name, r), null, [], "removed");
        endings.push({
          path: [],
          fields: {},
          run: async ({ tx, principal, now }) => removeWorkloadIdentityIn(tx, principal, r.id, now),
        });
      }
    }
    for (const w of p.workloadIdentities) {
      if (current?.workloadIdentities.some((r) => workloadRuleKey(r) === workloadRuleKey(w))) continue;
      change("create", "workload_identity", ruleLabel(p.name, w), w.path);
      steps.push({
        path: w.path,
        fields: WORKLOAD_IDENTITY_FIELDS,
        run: async ({ tx, principal, now }) => {
          const idp = await tx.trustedIdp.findUnique({ where: { name: p.name }, select: { id: true } });
          if (!idp) throw new DomainError("not_found", `No identity provider named “${p.name}”`);
          const agentId = await agentIdOf(tx, w.agent);
          await addWorkloadIdentityIn(
            tx,
            principal,
            { idpId: idp.id, agentId, subject: w.subject, claims: w.claims },
            now,
          );
        },
      });
    }
  }

  // ───────────── assignments the file no longer lists (or states differently) end first: before every other step,
  // since ending depends on nothing, and a grant the file drops must be gone before an owner change the same file
  // makes is checked for separation of duties.
  const fileGrants = new Map(entries.assignments.map((a) => [assignmentKey(a), a]));
  const liveGrants = new Map(model.assignments.map((a) => [assignmentKey(a), a]));
  const grantLabel = (a: { entitlement: string; principalType: string; principal: string }) =>
    `${a.entitlement} → ${a.principalType} ${a.principal}`;
  for (const current of model.assignments) {
    const wanted = fileGrants.get(assignmentKey(current));
    if (wanted && (sameTerms(current, wanted) || narrowsOnly(current, wanted))) continue;
    if (!wanted) change("remove", "assignment", grantLabel(current), null, [], "ended");
    const reason = wanted ? "Replaced by the policy file's version" : POLICY_REASON;
    endings.push({
      path: wanted?.path ?? [],
      fields: {},
      run: async ({ tx, principal, now }) => endAssignmentIn(tx, principal, { assignmentId: current.id, reason }, now),
    });
  }

  // ───────────── entitlements
  for (const e of entries.entitlements) {
    const current = model.entitlements.find((c) => c.name === e.name);
    const input = {
      name: e.name,
      description: e.description ?? undefined,
      maxSessionSeconds: e.maxSessionSeconds,
      reauthIntervalSeconds: e.reauthIntervalSeconds ?? undefined,
    };
    if (!current) {
      change("create", "entitlement", e.name, e.path);
      steps.push({
        path: e.path,
        fields: ENTITLEMENT_FIELDS,
        run: async ({ tx, principal, now }) => {
          const serverId = await serverIdOf(tx, e.server);
          await createEntitlementIn(
            tx,
            principal,
            { ...input, serverId, toolIds: await toolIdsOf(tx, serverId, e.tools) },
            now,
          );
        },
      });
      continue;
    }
    if (current.server !== e.server) {
      refuse(
        [...e.path, "server"],
        "An entitlement's server is fixed: moving it would silently change what its holders reach. Create a new entitlement instead",
      );
      continue;
    }
    const fields = diff(current, e, ENTITLEMENT_DIFF);
    if (fields.length === 0) continue;
    change("update", "entitlement", e.name, e.path, fields);
    steps.push({
      path: e.path,
      fields: ENTITLEMENT_FIELDS,
      run: async ({ tx, principal, now }) => {
        const serverId = await serverIdOf(tx, e.server);
        await updateEntitlementIn(
          tx,
          principal,
          { ...input, entitlementId: current.id, toolIds: await toolIdsOf(tx, serverId, e.tools) },
          now,
        );
      },
    });
  }

  // ───────────── assignments to grant
  for (const a of entries.assignments) {
    const current = liveGrants.get(assignmentKey(a));
    const agent = a.principalType === "agent" ? entries.agents.find((g) => g.name === a.principal) : undefined;
    if (agent?.status === "retired") {
      refuse([...a.path, "agent"], "This agent is retired; it cannot receive access");
      continue;
    }
    if (current && sameTerms(current, a)) continue;
    if (current && narrowsOnly(current, a)) {
      change("update", "assignment", grantLabel(a), a.path, diff(current, a, GRANT_DIFF), "narrowed in place");
      steps.push({
        path: a.path,
        fields: assignmentFields(a.principalType),
        run: async ({ tx, principal, now }) => {
          const excludedToolIds = await excludedToolIdsOf(tx, a.entitlement, a.excludedTools);
          await narrowAssignmentIn(
            tx,
            principal,
            { assignmentId: current.id, excludedToolIds, reason: "Narrowed by policy file" },
            now,
          );
        },
      });
      continue;
    }
    if (current) {
      change(
        "update",
        "assignment",
        grantLabel(a),
        a.path,
        diff(current, a, GRANT_DIFF),
        "ended and granted again: an assignment's terms are fixed once granted",
      );
    } else {
      change("create", "assignment", grantLabel(a), a.path);
    }
    steps.push({
      path: a.path,
      fields: assignmentFields(a.principalType),
      run: async ({ tx, principal, now }) => {
        await createAssignmentIn(
          tx,
          principal,
          {
            entitlementId: await entitlementIdOf(tx, a.entitlement),
            principalType: a.principalType,
            principalId: await principalIdOf(tx, a.principalType, a.principal),
            expiresAt: a.expires ?? undefined,
            justification: a.justification,
            excludedToolIds: await excludedToolIdsOf(tx, a.entitlement, a.excludedTools),
          },
          now,
        );
      },
    });
  }

  // ───────────── what the file does not list
  for (const e of model.entitlements) {
    if (entries.entitlements.some((f) => f.name === e.name)) continue;
    if (!prune) {
      kept.push({ kind: "entitlement", label: e.name });
      continue;
    }
    change("remove", "entitlement", e.name, null, [], "deleted");
    steps.push({
      path: [],
      fields: {},
      run: async ({ tx, principal, now }) => deleteEntitlementIn(tx, principal, e.id, now),
    });
  }
  for (const a of model.agents) {
    if (entries.agents.some((f) => f.name === a.name) || a.status === "retired") continue;
    if (!prune) {
      kept.push({ kind: "agent", label: a.name });
      continue;
    }
    change("remove", "agent", a.name, null, [], "retired");
    steps.push({
      path: [],
      fields: {},
      run: async ({ tx, principal, now }) => void (await retireAgentIn(tx, principal, a.id, POLICY_REASON, now)),
    });
  }
  for (const s of model.servers) {
    if (entries.servers.some((f) => f.name === s.name)) continue;
    if (!prune) {
      kept.push({ kind: "server", label: s.name });
      continue;
    }
    change("remove", "server", s.name, null, [], "deleted with its tools");
    steps.push({
      path: [],
      fields: {},
      run: async ({ tx, principal }) => void (await deleteServerIn(tx, principal, { id: s.id, confirmName: s.name })),
    });
  }

  for (const p of model.identityProviders) {
    if (entries.identityProviders.some((f) => f.name === p.name)) continue;
    if (!prune) {
      kept.push({ kind: "identity_provider", label: p.name });
      continue;
    }
    change(
      "remove",
      "identity_provider",
      p.name,
      null,
      [],
      p.workloadIdentities.length > 0 ? "no longer trusted; its workload rules removed" : "no longer trusted",
    );
    steps.push({
      path: [],
      fields: {},
      run: async ({ tx, principal, now }) => {
        // Each rule goes with its own audit event, so the trail says which workloads stopped acting as which agent.
        for (const r of p.workloadIdentities) await removeWorkloadIdentityIn(tx, principal, r.id, now);
        await removeTrustedIssuerIn(tx, principal, p.id, now);
      },
    });
  }

  if (issues.length > 0) return { ok: false, issues: issues.sort((x, y) => (x.line ?? 0) - (y.line ?? 0)) };
  return { ok: true, plan: { changes, kept }, steps: [...endings, ...steps] };
}
