import type { z } from "zod";
import { registerAgentSchema } from "@/lib/agents/agent-schemas";
import { createAssignmentSchema } from "@/lib/assignments/assignment-schemas";
import { createEntitlementSchema } from "@/lib/entitlements/entitlement-schemas";
import { registerServerSchema } from "@/lib/servers/server-schemas";
import { updateToolSchema } from "@/lib/servers/tool-schemas";
import { ISSUER_ALGORITHMS, ISSUER_ROLES } from "@/lib/federation/issuer-roles";
import { trustedIssuerInputSchema } from "@/lib/federation/trusted-issuers";
import { workloadIdentityInputSchema } from "@/lib/federation/workload-identities";
import {
  byCodePoint,
  canonicalJson,
  sortedClaims,
  workloadRuleKey,
  type AgentModel,
  type AssignmentModel,
  type EntitlementModel,
  type IdentityProviderModel,
  type ServerModel,
  type ToolModel,
} from "./current-model";
import type { PolicyIssue } from "./plan-types";
import { policyFileSchema, type PolicyPath } from "./policy-schema";
import type { PolicySource } from "./source-map";

/**
 * The domain's field names → the file's keys, so an issue the domain raises
 * (zod path or DomainError.field) is reported at the key the person wrote.
 */
export const SERVER_FIELDS: Record<string, string> = {
  authorizationServerIssuer: "issuer",
  enforcementMode: "mode",
  ownerEmail: "owner",
};
export const TOOL_FIELDS: Record<string, string> = { toolId: "name" };
export const AGENT_FIELDS: Record<string, string> = { ownerId: "owner", allowedGrantTypes: "grantTypes" };
export const ENTITLEMENT_FIELDS: Record<string, string> = {
  serverId: "server",
  toolIds: "tools",
  entitlementId: "name",
};
/** keySource is the file's choice between jwksUri and jwks (neither: discovery); its refusals belong at jwksUri. */
export const IDENTITY_PROVIDER_FIELDS: Record<string, string> = { keySource: "jwksUri" };
export const WORKLOAD_IDENTITY_FIELDS: Record<string, string> = { agentId: "agent" };
export const assignmentFields = (principalKey: string): Record<string, string> => ({
  entitlementId: "entitlement",
  principalId: principalKey,
  principalType: principalKey,
  expiresAt: "expires",
  excludedToolIds: "excludedTools",
  toolIds: "excludedTools",
});

type Located<T> = Omit<T, "id"> & { path: PolicyPath };
export type FileTool = Located<ToolModel>;
/** A gateway server's resource URI may be left out of a file: it is derived (lib/servers/gateway-resource.ts). */
export type FileServer = Located<Omit<ServerModel, "tools" | "slug" | "resourceUri">> & {
  resourceUri: string | null;
  tools: FileTool[];
};
export type FileAgent = Located<AgentModel>;
export type FileEntitlement = Located<EntitlementModel>;
export type FileAssignment = Located<AssignmentModel>;
export type FileWorkloadRule = Located<IdentityProviderModel["workloadIdentities"][number]>;
export type FileIdentityProvider = Located<Omit<IdentityProviderModel, "workloadIdentities">> & {
  /** Neither jwksUri nor jwks was given: the keys are discovered from the issuer's metadata (resolve-issuer-keys.ts). */
  discover: boolean;
  workloadIdentities: FileWorkloadRule[];
};
export interface PolicyEntries {
  servers: FileServer[];
  agents: FileAgent[];
  entitlements: FileEntitlement[];
  assignments: FileAssignment[];
  identityProviders: FileIdentityProvider[];
}

/** Ids are resolved when the file is applied; the schemas only need something in their place. */
const PENDING_ID = "(resolved on apply)";

/**
 * Checks every entry with the schema the console uses for the same thing and
 * returns the entries normalised the way the domain stores them (trimmed,
 * defaults filled in), or every issue found, each at its line. Checks that
 * need the database (owners exist, tools approved…) run when the plan is
 * rehearsed against it.
 */
export function validateEntries(
  source: PolicySource,
): { ok: true; entries: PolicyEntries } | { ok: false; issues: PolicyIssue[] } {
  const issues: PolicyIssue[] = [];
  const file = policyFileSchema.safeParse(source.data ?? {});
  if (!file.success) {
    // An unknown key is reported on its own line, not at the start of its entry.
    return {
      ok: false,
      issues: file.error.issues.map((i) =>
        source.issueAt(i.code === "unrecognized_keys" ? [...i.path, i.keys[0]!] : i.path, i.message),
      ),
    };
  }
  /** Runs a domain schema on one entry; its issues land at the entry's keys. */
  const check = <S extends z.ZodType>(
    schema: S,
    input: unknown,
    at: PolicyPath,
    fields: Record<string, string>,
  ): z.output<S> | null => {
    const parsed = schema.safeParse(input);
    if (parsed.success) return parsed.data;
    for (const i of parsed.error.issues) {
      const [head, ...rest] = i.path;
      const key = typeof head === "string" ? (fields[head] ?? head) : head;
      // A form-level refinement ("_form") belongs to the entry itself.
      issues.push(
        source.issueAt(
          key === undefined || key === "_form"
            ? at
            : ([...at, key, ...rest.filter((k) => typeof k !== "symbol")] as PolicyPath),
          i.message,
        ),
      );
    }
    return null;
  };
  const unique = (names: { name: string; path: PolicyPath }[], what: string) => {
    const seen = new Set<string>();
    for (const n of names) {
      if (seen.has(n.name)) issues.push(source.issueAt([...n.path, "name"], `${what} “${n.name}” is listed twice`));
      seen.add(n.name);
    }
  };

  const servers: FileServer[] = [];
  file.data.servers.forEach((s, i) => {
    const path = ["servers", i];
    const v = check(
      registerServerSchema,
      {
        name: s.name,
        description: s.description ?? undefined,
        category: s.category ?? undefined,
        resourceUri: s.resourceUri ?? undefined,
        authorizationServerIssuer: s.issuer ?? undefined,
        enforcementMode: s.mode,
        upstreamUrl: s.upstreamUrl ?? undefined,
        argumentLogging: s.argumentLogging,
        ownerEmail: s.owner ?? undefined,
      },
      path,
      SERVER_FIELDS,
    );
    const tools: FileTool[] = [];
    (s.tools ?? []).forEach((t, j) => {
      const toolPath = [...path, "tools", j];
      const tv = check(updateToolSchema, { toolId: t.name, risk: t.risk, scope: t.scope }, toolPath, TOOL_FIELDS);
      if (tv)
        tools.push({
          path: toolPath,
          name: t.name,
          risk: tv.risk ?? t.risk,
          scope: tv.scope ?? t.scope,
          status: t.status,
        });
    });
    unique(tools, `The tool`);
    if (v) {
      servers.push({
        path,
        name: v.name,
        description: v.description ?? null,
        category: v.category ?? null,
        resourceUri: v.resourceUri ?? null,
        issuer: v.authorizationServerIssuer ?? null,
        mode: v.enforcementMode,
        upstreamUrl: v.upstreamUrl ?? null,
        argumentLogging: v.argumentLogging,
        owner: v.ownerEmail ?? null,
        tools: tools.sort((a, b) => byCodePoint(a.name, b.name)),
      });
    }
  });
  unique(servers, "The server");

  const agents: FileAgent[] = [];
  file.data.agents.forEach((a, i) => {
    const path = ["agents", i];
    const v = check(
      registerAgentSchema,
      {
        // An agent whose owner left has none; only registering a new one requires it (checked when applied).
        name: a.name,
        ownerId: a.owner || PENDING_ID,
        purpose: a.purpose,
        kind: a.kind,
        authMethod: a.authMethod,
        jwksUri: a.jwksUri ?? undefined,
        jwks: a.jwks ?? undefined,
        allowedGrantTypes: a.grantTypes,
        maxTokenLifetimeSeconds: a.maxTokenLifetimeSeconds,
      },
      path,
      AGENT_FIELDS,
    );
    if (v) {
      agents.push({
        path,
        name: v.name,
        owner: a.owner?.trim().toLowerCase() ?? null,
        purpose: v.purpose,
        kind: v.kind,
        authMethod: v.authMethod,
        jwksUri: v.jwksUri ?? null,
        jwks: v.jwks ?? null,
        grantTypes: v.allowedGrantTypes,
        maxTokenLifetimeSeconds: v.maxTokenLifetimeSeconds,
        status: a.status,
      });
    }
  });
  unique(agents, "The agent");

  const entitlements: FileEntitlement[] = [];
  file.data.entitlements.forEach((e, i) => {
    const path = ["entitlements", i];
    const v = check(
      createEntitlementSchema,
      {
        name: e.name,
        description: e.description ?? undefined,
        serverId: e.server || PENDING_ID,
        toolIds: e.tools,
        maxSessionSeconds: e.maxSessionSeconds,
        reauthIntervalSeconds: e.reauthIntervalSeconds,
      },
      path,
      ENTITLEMENT_FIELDS,
    );
    // The file is the whole model: an entitlement's server and tools must be in it too.
    const server = file.data.servers.find((s) => s.name.trim() === e.server.trim());
    if (!server) {
      issues.push(source.issueAt([...path, "server"], `No server named “${e.server}” in this file`));
    } else {
      e.tools.forEach((name, j) => {
        if (!(server.tools ?? []).some((t) => t.name === name))
          issues.push(source.issueAt([...path, "tools", j], `${server.name} has no tool named “${name}” in this file`));
      });
    }
    if (v) {
      entitlements.push({
        path,
        name: v.name,
        description: v.description ?? null,
        server: e.server.trim(),
        tools: [...new Set(e.tools)].sort(byCodePoint),
        maxSessionSeconds: v.maxSessionSeconds,
        reauthIntervalSeconds: v.reauthIntervalSeconds ?? null,
      });
    }
  });
  unique(entitlements, "The entitlement");

  const assignments: FileAssignment[] = [];
  const seenGrants = new Set<string>();
  file.data.assignments.forEach((a, i) => {
    const path = ["assignments", i];
    const principalType = a.agent !== undefined ? "agent" : a.user !== undefined ? "user" : "group";
    const principal = (a.agent ?? a.user ?? a.group ?? "").trim();
    const normalisedPrincipal = principalType === "user" ? principal.toLowerCase() : principal;
    const v = check(
      createAssignmentSchema,
      {
        entitlementId: a.entitlement || PENDING_ID,
        principalType,
        principalId: principal,
        expiresAt: a.expires ?? undefined,
        justification: a.justification,
      },
      path,
      assignmentFields(principalType),
    );
    const entitlement = file.data.entitlements.find((e) => e.name.trim() === a.entitlement.trim());
    if (!entitlement) {
      issues.push(source.issueAt([...path, "entitlement"], `No entitlement named “${a.entitlement}” in this file`));
    }
    // Exclusions narrow this grant: each must be one of the entitlement's tools, and something must be left.
    const excludedTools = [...new Set(a.excludedTools ?? [])].sort(byCodePoint);
    if (entitlement) {
      (a.excludedTools ?? []).forEach((name, j) => {
        if (!entitlement.tools.includes(name)) {
          issues.push(
            source.issueAt([...path, "excludedTools", j], `“${name}” is not one of the tools of ${entitlement.name}`),
          );
        }
      });
      if (excludedTools.length > 0 && entitlement.tools.every((t) => excludedTools.includes(t))) {
        issues.push(
          source.issueAt(
            [...path, "excludedTools"],
            `This excludes every tool of ${entitlement.name}, so it would grant nothing; remove the assignment instead`,
          ),
        );
      }
    }
    if (principalType === "agent" && !file.data.agents.some((g) => g.name.trim() === principal)) {
      issues.push(source.issueAt([...path, "agent"], `No agent named “${principal}” in this file`));
    }
    const key = `${a.entitlement.trim()}\u0000${principalType}\u0000${normalisedPrincipal}`;
    if (seenGrants.has(key))
      issues.push(source.issueAt(path, `${a.entitlement} is assigned to ${principalType} ${principal} twice`));
    seenGrants.add(key);
    if (v) {
      assignments.push({
        path,
        entitlement: a.entitlement.trim(),
        principalType,
        principal: normalisedPrincipal,
        expires: v.expiresAt ? v.expiresAt.toISOString() : null,
        excludedTools,
        justification: v.justification,
      });
    }
  });

  const identityProviders: FileIdentityProvider[] = [];
  const seenIssuers = new Map<string, string>();
  file.data.identityProviders.forEach((p, i) => {
    const path = ["identityProviders", i];
    const keySource = p.jwks ? "jwks" : p.jwksUri ? "jwks_uri" : "discovery";
    const v = check(
      trustedIssuerInputSchema,
      {
        name: p.name,
        issuer: p.issuer,
        roles: p.roles,
        keySource,
        jwksUri: p.jwksUri ?? null,
        jwks: p.jwks ?? null,
        algorithms: p.algorithms,
        userMatch: p.userMatch,
        enabled: p.enabled,
      },
      path,
      IDENTITY_PROVIDER_FIELDS,
    );
    if (v) {
      const other = seenIssuers.get(v.issuer);
      if (other !== undefined)
        issues.push(source.issueAt([...path, "issuer"], `The issuer ${v.issuer} is already listed as “${other}”`));
      seenIssuers.set(v.issuer, v.name);
    }
    const rules: FileWorkloadRule[] = [];
    const seenRules = new Set<string>();
    (p.workloadIdentities ?? []).forEach((w, j) => {
      const rulePath = [...path, "workloadIdentities", j];
      const rv = check(
        workloadIdentityInputSchema,
        { idpId: PENDING_ID, agentId: w.agent || PENDING_ID, subject: w.subject, claims: w.claims },
        rulePath,
        WORKLOAD_IDENTITY_FIELDS,
      );
      const agent = file.data.agents.find((a) => a.name.trim() === w.agent.trim());
      // As for assignments: the file is the whole model, so the agent a rule names must be in it, and able to act.
      if (!agent) issues.push(source.issueAt([...rulePath, "agent"], `No agent named “${w.agent}” in this file`));
      else if (agent.status === "retired")
        issues.push(source.issueAt([...rulePath, "agent"], "This agent is retired; no workload can act as it"));
      if (!rv) return;
      const rule = {
        path: rulePath,
        subject: rv.subject,
        claims: sortedClaims(rv.claims ?? {}),
        agent: w.agent.trim(),
      };
      const key = workloadRuleKey(rule);
      if (seenRules.has(key))
        issues.push(source.issueAt(rulePath, `This workload identity is listed twice for ${rule.agent}`));
      seenRules.add(key);
      rules.push(rule);
    });
    if (v && rules.length > 0 && !v.roles.includes("workload_issuer")) {
      issues.push(
        source.issueAt(
          [...path, "roles"],
          "Only a workload issuer's JWTs can act as an agent: add workload_issuer to roles, or remove its workloadIdentities",
        ),
      );
    }
    if (v) {
      identityProviders.push({
        path,
        name: v.name,
        issuer: v.issuer,
        roles: ISSUER_ROLES.filter((r) => v.roles.includes(r)),
        jwksUri: v.jwksUri ?? null,
        jwks: p.jwks ? { keys: canonicalJson(p.jwks.keys) } : null,
        algorithms: ISSUER_ALGORITHMS.filter((a) => v.algorithms.includes(a)),
        userMatch: v.userMatch,
        enabled: v.enabled,
        discover: keySource === "discovery",
        workloadIdentities: rules.sort((x, y) => byCodePoint(workloadRuleKey(x), workloadRuleKey(y))),
      });
    }
  });
  unique(identityProviders, "The identity provider");

  if (issues.length > 0) return { ok: false, issues: issues.sort((x, y) => (x.line ?? 0) - (y.line ?? 0)) };
  return { ok: true, entries: { servers, agents, entitlements, assignments, identityProviders } };
}
