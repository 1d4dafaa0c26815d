import type { Db } from "@/lib/db/client";
import type { AgentKind, AgentStatus, ClientAuthMethod } from "@/lib/db/generated/sqlite/enums";
import { parseGrantTypes } from "./grant-types";
import { jsonColumnValue } from "@/lib/db/raw-values";

export interface AgentDetail {
  id: string;
  name: string;
  clientId: string;
  purpose: string | null;
  kind: AgentKind;
  status: AgentStatus;
  owner: { id: string; displayName: string; email: string; active: boolean } | null;
  /** Who was shown its secret or chose its keys (registration, last rotation); null when no person did (the CLI). */
  credentialHolder: { id: string; displayName: string; email: string } | null;
  credentialIssuedAt: Date | null;
  authMethod: ClientAuthMethod;
  /** What the credentials are, never what they contain. */
  credentials: { jwksUri: string | null; uploadedKeys: { kid: string; alg: string }[]; hasClientSecret: boolean };
  allowedGrantTypes: string[];
  maxTokenLifetimeSeconds: number;
  createdAt: Date;
  suspendedAt: Date | null;
  retiredAt: Date | null;
  /** Interactive clients: how they are registered, where they send people back, and when they were approved. */
  interactive: {
    registration: string | null;
    redirectUris: string[];
    clientUri: string | null;
    approvedAt: Date | null;
  } | null;
}

export async function getAgent(db: Db, agentId: string): Promise<AgentDetail | null> {
  const a = await db.agent.findUnique({
    where: { id: agentId },
    include: {
      owner: { select: { id: true, displayName: true, email: true, active: true } },
      credentialHolder: { select: { id: true, displayName: true, email: true } },
    },
  });
  if (!a) return null;
  const jwks = a.jwks as { keys?: { kid?: unknown; alg?: unknown }[] } | null;
  return {
    id: a.id,
    name: a.name,
    clientId: a.clientId,
    purpose: a.purpose,
    kind: a.kind,
    status: a.status,
    owner: a.owner,
    credentialHolder: a.credentialHolder,
    credentialIssuedAt: a.credentialIssuedAt,
    authMethod: a.authMethod,
    credentials: {
      jwksUri: a.jwksUri,
      uploadedKeys: (jwks?.keys ?? []).map((k) => ({ kid: String(k.kid ?? ""), alg: String(k.alg ?? "") })),
      hasClientSecret: a.clientSecretHash !== null,
    },
    allowedGrantTypes: parseGrantTypes(a.allowedGrantTypes),
    maxTokenLifetimeSeconds: a.maxTokenLifetimeSeconds,
    createdAt: a.createdAt,
    suspendedAt: a.suspendedAt,
    retiredAt: a.retiredAt,
    interactive:
      a.kind === "interactive"
        ? {
            registration: a.registration,
            redirectUris: (a.redirectUris ?? "").split(" ").filter(Boolean),
            approvedAt: a.approvedAt,
            clientUri: (jsonColumnValue(a.clientMetadata) as { client_uri?: string } | null)?.client_uri ?? null,
          }
        : null,
  };
}
