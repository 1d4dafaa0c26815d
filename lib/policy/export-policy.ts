import { stringify } from "yaml";
import type { Db, Tx } from "@/lib/db/client";
import { loadCurrentModel, type CurrentModel } from "./current-model";

/** Drops unset (null) fields so the file shows only what is stated. */
function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;
}

/** The policy document (plain data, file order) for a model. Never includes a credential: upstream secrets stay sealed in the database. */
export function policyDocumentOf(model: CurrentModel) {
  return {
    version: 1,
    servers: model.servers.map((s) =>
      compact({
        name: s.name,
        description: s.description,
        category: s.category,
        resourceUri: s.resourceUri,
        issuer: s.issuer,
        mode: s.mode,
        upstreamUrl: s.upstreamUrl,
        argumentLogging: s.argumentLogging,
        owner: s.owner,
        tools: s.tools.map((t) => ({ name: t.name, risk: t.risk, scope: t.scope, status: t.status })),
      }),
    ),
    agents: model.agents.map((a) =>
      compact({
        name: a.name,
        owner: a.owner,
        purpose: a.purpose,
        kind: a.kind,
        authMethod: a.authMethod,
        jwksUri: a.jwksUri,
        jwks: a.jwks,
        grantTypes: a.grantTypes,
        maxTokenLifetimeSeconds: a.maxTokenLifetimeSeconds,
        status: a.status,
      }),
    ),
    entitlements: model.entitlements.map((e) =>
      compact({
        name: e.name,
        description: e.description,
        server: e.server,
        tools: e.tools,
        maxSessionSeconds: e.maxSessionSeconds,
        reauthIntervalSeconds: e.reauthIntervalSeconds,
      }),
    ),
    assignments: model.assignments.map((a) =>
      compact({
        entitlement: a.entitlement,
        [a.principalType]: a.principal,
        expires: a.expires,
        excludedTools: a.excludedTools.length > 0 ? a.excludedTools : null,
        justification: a.justification,
      }),
    ),
    identityProviders: model.identityProviders.map((p) =>
      compact({
        name: p.name,
        issuer: p.issuer,
        roles: p.roles,
        jwksUri: p.jwksUri,
        jwks: p.jwks,
        algorithms: p.algorithms,
        userMatch: p.userMatch,
        enabled: p.enabled,
        workloadIdentities:
          p.workloadIdentities.length > 0
            ? p.workloadIdentities.map((w) =>
                compact({
                  subject: w.subject,
                  claims: Object.keys(w.claims).length > 0 ? w.claims : null,
                  agent: w.agent,
                }),
              )
            : null,
      }),
    ),
  };
}

const HEADER = [
  "# Mandate policy: servers, tools, agents, entitlements, live assignments, and trusted identity providers",
  "# with their workload identity rules.",
  "# Plan with `npm run mandate -- plan -f <file>`, apply with `npm run mandate -- apply -f <file>`.",
  "# Upstream credentials and client secrets are never exported.",
  "",
].join("\n");

/** The whole model as YAML. Stable: the same database always gives the same text. */
export async function exportPolicy(db: Db | Tx, now = new Date()): Promise<string> {
  return HEADER + stringify(policyDocumentOf(await loadCurrentModel(db, now)), { lineWidth: 0 });
}
