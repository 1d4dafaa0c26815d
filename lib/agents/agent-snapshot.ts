import type { Agent } from "@/lib/db/generated/sqlite/client";

/**
 * An agent as the audit trail records it (before/after). Credentials appear
 * only as facts (a secret is set, which kids are uploaded), never as values.
 */
export function agentSnapshot(agent: Agent) {
  const jwks = agent.jwks as { keys?: { kid?: string }[] } | null;
  return {
    name: agent.name,
    clientId: agent.clientId,
    kind: agent.kind,
    status: agent.status,
    ownerId: agent.ownerId,
    credentialHolderId: agent.credentialHolderId,
    purpose: agent.purpose,
    authMethod: agent.authMethod,
    jwksUri: agent.jwksUri,
    uploadedKeyIds: jwks?.keys?.map((k) => k.kid ?? "") ?? null,
    hasClientSecret: agent.clientSecretHash !== null,
    allowedGrantTypes: agent.allowedGrantTypes,
    maxTokenLifetimeSeconds: agent.maxTokenLifetimeSeconds,
    suspendedAt: agent.suspendedAt,
    retiredAt: agent.retiredAt,
  };
}
