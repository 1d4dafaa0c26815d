import { parseGrantTypes } from "@/lib/agents/grant-types";
import { liveAssignmentWhere } from "@/lib/assignments/live-assignment";
import type { PrincipalType } from "@/lib/assignments/assignment-schemas";
import { excludedToolIdsOf } from "@/lib/assignments/excluded-tools";
import type { Db, Tx } from "@/lib/db/client";
import { notDrillAgent } from "@/lib/drills/drill-agent";
import { parseIssuerAlgorithms, parseIssuerRoles } from "@/lib/federation/issuer-roles";
import { requiredClaimsOf } from "@/lib/federation/workload-identities";

/**
 * The database's model in the policy file's terms (names and emails instead
 * of ids), with each row's id kept for the planner. Export writes it; plan
 * diffs the file against it. Sorted here, in code, by code point: the two
 * databases collate differently, and export → apply → export must be
 * byte-identical.
 */

export interface ToolModel {
  id: string;
  name: string;
  risk: string;
  scope: string;
  status: "approved" | "pending" | "rejected";
}
export interface ServerModel {
  /** The gateway path segment, fixed at registration (a gateway server's resource URI is derived from it). */
  id: string;
  slug: string;
  name: string;
  description: string | null;
  category: string | null;
  resourceUri: string;
  issuer: string | null;
  mode: string;
  upstreamUrl: string | null;
  argumentLogging: string;
  owner: string | null;
  tools: ToolModel[];
}
export interface AgentModel {
  id: string;
  name: string;
  owner: string | null;
  purpose: string | null;
  kind: string;
  authMethod: string;
  jwksUri: string | null;
  jwks: { keys: Record<string, unknown>[] } | null;
  grantTypes: string[];
  maxTokenLifetimeSeconds: number;
  status: "active" | "suspended" | "retired";
}
export interface EntitlementModel {
  id: string;
  name: string;
  description: string | null;
  server: string;
  tools: string[];
  maxSessionSeconds: number;
  reauthIntervalSeconds: number | null;
}
export interface AssignmentModel {
  id: string;
  entitlement: string;
  principalType: PrincipalType;
  principal: string;
  expires: string | null;
  /** Names of the entitlement's tools the grant leaves out, sorted. */
  excludedTools: string[];
  justification: string;
}
export interface WorkloadRuleModel {
  id: string;
  subject: string;
  /** Required claims, sorted by name. */
  claims: Record<string, string>;
  agent: string;
}
export interface IdentityProviderModel {
  id: string;
  name: string;
  issuer: string;
  /** In ISSUER_ROLES / ISSUER_ALGORITHMS order, so a file listing them otherwise is not a change. */
  roles: string[];
  jwksUri: string | null;
  jwks: { keys: Record<string, unknown>[] } | null;
  algorithms: string[];
  userMatch: string;
  enabled: boolean;
  workloadIdentities: WorkloadRuleModel[];
}
export interface CurrentModel {
  servers: ServerModel[];
  agents: AgentModel[];
  entitlements: EntitlementModel[];
  assignments: AssignmentModel[];
  identityProviders: IdentityProviderModel[];
}

export const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byName = <T extends { name: string }>(a: T, b: T) => byCodePoint(a.name, b.name);

/** The identity of an assignment in a file: what is granted to whom. */
export const assignmentKey = (a: { entitlement: string; principalType: string; principal: string }): string =>
  `${a.entitlement}\u0000${a.principalType}\u0000${a.principal}`;

/** A JSON value with every object's keys in code-point order: PostgreSQL's jsonb reorders keys, so JWKs compare canonically. */
export function canonicalJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map(canonicalJson) as T;
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .sort(([a], [b]) => byCodePoint(a, b))
      .map(([k, v]) => [k, canonicalJson(v)]),
  ) as T;
}

/** The identity of a workload rule in a file: what it matches and whom it makes the JWT act as. */
export const workloadRuleKey = (r: { subject: string; claims: Record<string, string>; agent: string }): string =>
  `${r.subject}\u0000${r.agent}\u0000${JSON.stringify(Object.entries(r.claims))}`;

/** Claims with their names in code-point order: the same rule always compares and exports the same. */
export const sortedClaims = (claims: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(claims).sort(([a], [b]) => byCodePoint(a, b)));

export async function loadCurrentModel(db: Db | Tx, now: Date): Promise<CurrentModel> {
  const servers = await db.mcpServer.findMany({
    include: { owner: { select: { email: true } }, tools: { where: { status: { not: "removed" } } } },
  });
  // Interactive clients register themselves (metadata document, RFC 7591) and are approved and granted
  // access in the console: the policy file neither lists nor prunes them or their grants. Nor the
  // built-in drill agent, which Mandate creates for itself and no file could describe (it holds no key).
  const agents = await db.agent.findMany({
    where: { kind: { not: "interactive" }, ...notDrillAgent },
    include: { owner: { select: { email: true } } },
  });
  const entitlements = await db.entitlement.findMany({
    include: { server: { select: { name: true } }, tools: { select: { tool: { select: { id: true, name: true } } } } },
  });
  // An exclusion is stated by tool name; one that is no longer a tool of the
  // entitlement leaves nothing out, so it is not part of the model.
  const toolNamesOf = new Map(entitlements.map((e) => [e.id, new Map(e.tools.map((t) => [t.tool.id, t.tool.name]))]));
  // Only live grants: ended and expired ones are history, which the audit trail keeps.
  // A retired agent's leftovers grant nothing (it can no longer authenticate) and could
  // never be granted again, so they are not part of the model.
  const assignments = await db.assignment.findMany({
    where: { ...liveAssignmentWhere(now), NOT: [{ agent: { status: "retired" } }, { agent: { kind: "interactive" } }] },
    include: {
      entitlement: { select: { name: true } },
      agent: { select: { name: true } },
      user: { select: { email: true } },
      group: { select: { displayName: true } },
    },
  });
  // A retired agent's workload rules let nothing act (it can no longer get tokens) and could not be written again; the
  // drill agent is no file's to name.
  const idps = await db.trustedIdp.findMany({
    include: {
      workloadIdentities: {
        where: { agent: { status: { not: "retired" }, kind: "autonomous", ...notDrillAgent } },
        include: { agent: { select: { name: true } } },
      },
    },
  });
  return {
    identityProviders: idps
      .map((p) => ({
        id: p.id,
        name: p.name,
        issuer: p.issuer,
        roles: parseIssuerRoles(p.roles),
        jwksUri: p.jwksUri,
        jwks: p.jwks ? { keys: canonicalJson((p.jwks as { keys: Record<string, unknown>[] }).keys) } : null,
        algorithms: parseIssuerAlgorithms(p.algorithms),
        userMatch: p.userMatch,
        enabled: p.enabled,
        workloadIdentities: p.workloadIdentities
          .map((w) => ({
            id: w.id,
            subject: w.subject,
            claims: sortedClaims(requiredClaimsOf(w.claims)),
            agent: w.agent.name,
          }))
          .sort((x, y) => byCodePoint(workloadRuleKey(x), workloadRuleKey(y))),
      }))
      .sort(byName),
    servers: servers
      .map((s) => ({
        id: s.id,
        slug: s.slug,
        name: s.name,
        description: s.description,
        category: s.category,
        resourceUri: s.resourceUri,
        issuer: s.authorizationServerIssuer,
        mode: s.enforcementMode,
        upstreamUrl: s.upstreamUrl,
        argumentLogging: s.argumentLogging,
        owner: s.owner?.email ?? null,
        tools: s.tools
          .map((t) => ({
            id: t.id,
            name: t.name,
            risk: t.risk,
            scope: t.scope,
            status: t.status as ToolModel["status"],
          }))
          .sort(byName),
      }))
      .sort(byName),
    agents: agents
      .map((a) => ({
        id: a.id,
        name: a.name,
        owner: a.owner?.email ?? null,
        purpose: a.purpose,
        kind: a.kind,
        authMethod: a.authMethod,
        jwksUri: a.jwksUri,
        jwks: (a.jwks as AgentModel["jwks"]) ?? null,
        grantTypes: parseGrantTypes(a.allowedGrantTypes),
        maxTokenLifetimeSeconds: a.maxTokenLifetimeSeconds,
        status: a.status as AgentModel["status"],
      }))
      .sort(byName),
    entitlements: entitlements
      .map((e) => ({
        id: e.id,
        name: e.name,
        description: e.description,
        server: e.server.name,
        tools: e.tools.map((t) => t.tool.name).sort(byCodePoint),
        maxSessionSeconds: e.maxSessionSeconds,
        reauthIntervalSeconds: e.reauthIntervalSeconds,
      }))
      .sort(byName),
    assignments: assignments
      .map((a) => ({
        id: a.id,
        entitlement: a.entitlement.name,
        principalType: a.principalType,
        principal: a.agent?.name ?? a.user?.email ?? a.group?.displayName ?? "",
        expires: a.expiresAt ? a.expiresAt.toISOString() : null,
        excludedTools: excludedToolIdsOf(a.excludedToolIds)
          .flatMap((id) => toolNamesOf.get(a.entitlementId)?.get(id) ?? [])
          .sort(byCodePoint),
        justification: a.justification,
      }))
      .sort((x, y) => byCodePoint(assignmentKey(x), assignmentKey(y))),
  };
}
