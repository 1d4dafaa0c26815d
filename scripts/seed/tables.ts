import type { BulkColumns } from "@/lib/db/bulk-insert";
import { AUDIT_EVENT_COLUMNS } from "@/lib/db/stores/audit/columns";

/** Column lists of the tables the seed writes, matching prisma/models.prisma. */
export const T = {
  User: {
    id: "text", email: "text", displayName: "text", givenName: "text", familyName: "text", title: "text",
    department: "text", idpIssuer: "text", idpSubject: "text", externalId: "text", managerId: "text",
    active: "bool", source: "enum:UserSource", passwordHash: "text", createdAt: "timestamp", updatedAt: "timestamp",
    deactivatedAt: "timestamp",
  },
  Group: {
    id: "text", displayName: "text", description: "text", externalId: "text", source: "enum:UserSource",
    createdAt: "timestamp", updatedAt: "timestamp",
  },
  GroupMembership: { groupId: "text", userId: "text", createdAt: "timestamp" },
  UserRole: { userId: "text", role: "enum:ConsoleRole", grantedBy: "text", createdAt: "timestamp" },
  McpServer: {
    id: "text", name: "text", slug: "text", description: "text", resourceUri: "text",
    authorizationServerIssuer: "text", enforcementMode: "enum:EnforcementMode", upstreamUrl: "text",
    upstreamCredentialEnc: "text", argumentLogging: "enum:ArgumentLogging", ownerId: "text", category: "text",
    lastSyncedAt: "timestamp", createdAt: "timestamp", updatedAt: "timestamp",
  },
  Tool: {
    id: "text", serverId: "text", name: "text", title: "text", description: "text", inputSchema: "json",
    definitionHash: "text", risk: "enum:ToolRisk", scope: "text", status: "enum:ToolStatus", approvedById: "text",
    approvedAt: "timestamp", firstSeenAt: "timestamp", lastSeenAt: "timestamp", updatedAt: "timestamp",
  },
  Agent: {
    id: "text", clientId: "text", name: "text", purpose: "text", kind: "enum:AgentKind", status: "enum:AgentStatus",
    ownerId: "text", ownerlessSince: "timestamp", authMethod: "enum:ClientAuthMethod", jwksUri: "text", jwks: "json",
    clientSecretHash: "text", allowedGrantTypes: "text", maxTokenLifetimeSeconds: "int", createdAt: "timestamp",
    updatedAt: "timestamp", suspendedAt: "timestamp", retiredAt: "timestamp",
  },
  Entitlement: {
    id: "text", name: "text", description: "text", serverId: "text", maxSessionSeconds: "int",
    reauthIntervalSeconds: "int", createdAt: "timestamp", updatedAt: "timestamp",
  },
  EntitlementTool: { entitlementId: "text", toolId: "text" },
  Assignment: {
    id: "text", entitlementId: "text", principalType: "enum:PrincipalType", agentId: "text", userId: "text",
    groupId: "text", excludedToolIds: "json", expiresAt: "timestamp", justification: "text", grantedById: "text",
    createdAt: "timestamp", endedAt: "timestamp", endedReason: "text",
  },
  AgentSession: {
    id: "text", agentId: "text", userId: "text", serverId: "text", scopes: "text", grantType: "text",
    authTime: "timestamp", createdAt: "timestamp", lastUsedAt: "timestamp", expiresAt: "timestamp",
    idleExpiresAt: "timestamp", reauthDueAt: "timestamp", status: "enum:SessionStatus", risk: "enum:ToolRisk",
    tokenCount: "int", toolCallCount: "int", revokedAt: "timestamp", revokedBy: "text", revokedReason: "text",
  },
  IssuedToken: {
    id: "text", jti: "text", kind: "enum:TokenKind", sessionId: "text", clientId: "text", audience: "text",
    scopes: "text", issuedAt: "timestamp", expiresAt: "timestamp", revokedAt: "timestamp",
  },
  // The audit writers' own column definition: seeded events are chained and encoded as the app's are.
  AuditEvent: AUDIT_EVENT_COLUMNS,
} satisfies Record<string, BulkColumns>;

export type TableName = keyof typeof T;
