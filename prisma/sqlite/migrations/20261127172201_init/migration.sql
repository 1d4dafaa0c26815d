-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "email" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "givenName" TEXT,
    "familyName" TEXT,
    "title" TEXT,
    "department" TEXT,
    "idpIssuer" TEXT,
    "idpSubject" TEXT,
    "externalId" TEXT,
    "managerId" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "source" TEXT NOT NULL DEFAULT 'seed',
    "passwordHash" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "deactivatedAt" DATETIME,
    CONSTRAINT "User_managerId_fkey" FOREIGN KEY ("managerId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Group" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "displayName" TEXT NOT NULL,
    "description" TEXT,
    "externalId" TEXT,
    "source" TEXT NOT NULL DEFAULT 'seed',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "GroupMembership" (
    "groupId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("groupId", "userId"),
    CONSTRAINT "GroupMembership_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "Group" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "GroupMembership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "UserRole" (
    "userId" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "grantedBy" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("userId", "role"),
    CONSTRAINT "UserRole_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ConsoleSession" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    "endedAt" DATETIME,
    "endReason" TEXT,
    "clientAddress" TEXT,
    "userAgent" TEXT,
    CONSTRAINT "ConsoleSession_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME,
    "lastUsedAt" DATETIME,
    "revokedAt" DATETIME,
    "rotatedFromId" TEXT,
    CONSTRAINT "ApiKey_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "McpServer" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "description" TEXT,
    "resourceUri" TEXT NOT NULL,
    "authorizationServerIssuer" TEXT,
    "enforcementMode" TEXT NOT NULL,
    "upstreamUrl" TEXT,
    "upstreamCredentialEnc" TEXT,
    "argumentLogging" TEXT NOT NULL DEFAULT 'none',
    "ownerId" TEXT,
    "category" TEXT,
    "lastSyncedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "McpServer_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Tool" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "serverId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "title" TEXT,
    "description" TEXT,
    "inputSchema" JSONB,
    "definitionHash" TEXT,
    "risk" TEXT NOT NULL DEFAULT 'read',
    "scope" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "approvedById" TEXT,
    "approvedAt" DATETIME,
    "firstSeenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Tool_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "McpServer" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Agent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "clientId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "purpose" TEXT,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "ownerId" TEXT,
    "ownerlessSince" DATETIME,
    "authMethod" TEXT NOT NULL,
    "jwksUri" TEXT,
    "jwks" JSONB,
    "clientSecretHash" TEXT,
    "allowedGrantTypes" TEXT NOT NULL,
    "maxTokenLifetimeSeconds" INTEGER NOT NULL DEFAULT 300,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "suspendedAt" DATETIME,
    "retiredAt" DATETIME,
    CONSTRAINT "Agent_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Entitlement" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "serverId" TEXT NOT NULL,
    "maxSessionSeconds" INTEGER NOT NULL DEFAULT 28800,
    "reauthIntervalSeconds" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Entitlement_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "McpServer" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "EntitlementTool" (
    "entitlementId" TEXT NOT NULL,
    "toolId" TEXT NOT NULL,

    PRIMARY KEY ("entitlementId", "toolId"),
    CONSTRAINT "EntitlementTool_entitlementId_fkey" FOREIGN KEY ("entitlementId") REFERENCES "Entitlement" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "EntitlementTool_toolId_fkey" FOREIGN KEY ("toolId") REFERENCES "Tool" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Assignment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "entitlementId" TEXT NOT NULL,
    "principalType" TEXT NOT NULL,
    "agentId" TEXT,
    "userId" TEXT,
    "groupId" TEXT,
    "excludedToolIds" JSONB,
    "expiresAt" DATETIME,
    "justification" TEXT NOT NULL,
    "grantedById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" DATETIME,
    "endedReason" TEXT,
    CONSTRAINT "Assignment_entitlementId_fkey" FOREIGN KEY ("entitlementId") REFERENCES "Entitlement" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Assignment_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Assignment_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Assignment_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "Group" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Assignment_grantedById_fkey" FOREIGN KEY ("grantedById") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AgentSession" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "agentId" TEXT NOT NULL,
    "userId" TEXT,
    "serverId" TEXT NOT NULL,
    "scopes" TEXT NOT NULL,
    "grantType" TEXT NOT NULL,
    "authTime" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    "idleExpiresAt" DATETIME,
    "reauthDueAt" DATETIME,
    "status" TEXT NOT NULL DEFAULT 'active',
    "risk" TEXT NOT NULL DEFAULT 'read',
    "tokenCount" INTEGER NOT NULL DEFAULT 0,
    "toolCallCount" INTEGER NOT NULL DEFAULT 0,
    "revokedAt" DATETIME,
    "revokedBy" TEXT,
    "revokedReason" TEXT,
    CONSTRAINT "AgentSession_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AgentSession_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "AgentSession_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "McpServer" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "IssuedToken" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "jti" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "audience" TEXT NOT NULL,
    "scopes" TEXT NOT NULL,
    "issuedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    "revokedAt" DATETIME,
    CONSTRAINT "IssuedToken_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "AgentSession" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SeenJti" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "expiresAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "SigningKey" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kid" TEXT NOT NULL,
    "alg" TEXT NOT NULL,
    "publicJwk" JSONB NOT NULL,
    "privateKeyEnc" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "activatedAt" DATETIME,
    "retiringAt" DATETIME,
    "publishUntil" DATETIME
);

-- CreateTable
CREATE TABLE "TrustedIdp" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "jwksUri" TEXT,
    "jwks" JSONB,
    "audience" TEXT NOT NULL,
    "userMatch" TEXT NOT NULL DEFAULT 'sub',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "value" JSONB NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "occurredAt" DATETIME NOT NULL,
    "stream" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "actorType" TEXT NOT NULL,
    "actorId" TEXT,
    "actorLabel" TEXT,
    "onBehalfOfId" TEXT,
    "action" TEXT NOT NULL,
    "targetType" TEXT,
    "targetId" TEXT,
    "targetLabel" TEXT,
    "decision" TEXT NOT NULL,
    "reason" TEXT,
    "sessionId" TEXT,
    "requestId" TEXT,
    "clientAddress" TEXT,
    "detail" JSONB,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "ReviewCampaign" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "scope" JSONB NOT NULL,
    "reviewerPolicy" TEXT NOT NULL,
    "namedReviewerIds" JSONB,
    "fallbackReviewerId" TEXT,
    "secondLevelReviewerId" TEXT,
    "unreviewedPolicy" TEXT NOT NULL DEFAULT 'keep',
    "dueAt" DATETIME NOT NULL,
    "recurrenceDays" INTEGER,
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "launchedAt" DATETIME,
    "closedAt" DATETIME,
    CONSTRAINT "ReviewCampaign_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ReviewItem" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "campaignId" TEXT NOT NULL,
    "assignmentId" TEXT,
    "snapshot" JSONB NOT NULL,
    "risk" TEXT NOT NULL,
    "reviewerId" TEXT NOT NULL,
    "level" INTEGER NOT NULL DEFAULT 1,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "decidedById" TEXT,
    "decidedAt" DATETIME,
    "justification" TEXT,
    "keptToolIds" JSONB,
    "remediationStatus" TEXT NOT NULL DEFAULT 'none',
    "remediationDetail" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ReviewItem_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "ReviewCampaign" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ReviewItem_assignmentId_fkey" FOREIGN KEY ("assignmentId") REFERENCES "Assignment" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "ReviewItem_reviewerId_fkey" FOREIGN KEY ("reviewerId") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE INDEX "User_managerId_idx" ON "User"("managerId");

-- CreateIndex
CREATE INDEX "User_active_displayName_idx" ON "User"("active", "displayName");

-- CreateIndex
CREATE UNIQUE INDEX "User_idpIssuer_idpSubject_key" ON "User"("idpIssuer", "idpSubject");

-- CreateIndex
CREATE UNIQUE INDEX "Group_displayName_key" ON "Group"("displayName");

-- CreateIndex
CREATE INDEX "GroupMembership_userId_idx" ON "GroupMembership"("userId");

-- CreateIndex
CREATE INDEX "UserRole_role_idx" ON "UserRole"("role");

-- CreateIndex
CREATE INDEX "ConsoleSession_userId_endedAt_idx" ON "ConsoleSession"("userId", "endedAt");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_secretHash_key" ON "ApiKey"("secretHash");

-- CreateIndex
CREATE INDEX "ApiKey_revokedAt_expiresAt_idx" ON "ApiKey"("revokedAt", "expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "McpServer_name_key" ON "McpServer"("name");

-- CreateIndex
CREATE UNIQUE INDEX "McpServer_slug_key" ON "McpServer"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "McpServer_resourceUri_key" ON "McpServer"("resourceUri");

-- CreateIndex
CREATE INDEX "Tool_serverId_status_idx" ON "Tool"("serverId", "status");

-- CreateIndex
CREATE INDEX "Tool_serverId_scope_idx" ON "Tool"("serverId", "scope");

-- CreateIndex
CREATE UNIQUE INDEX "Tool_serverId_name_key" ON "Tool"("serverId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Agent_clientId_key" ON "Agent"("clientId");

-- CreateIndex
CREATE UNIQUE INDEX "Agent_name_key" ON "Agent"("name");

-- CreateIndex
CREATE INDEX "Agent_ownerId_idx" ON "Agent"("ownerId");

-- CreateIndex
CREATE INDEX "Agent_status_name_idx" ON "Agent"("status", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Entitlement_name_key" ON "Entitlement"("name");

-- CreateIndex
CREATE INDEX "Entitlement_serverId_idx" ON "Entitlement"("serverId");

-- CreateIndex
CREATE INDEX "EntitlementTool_toolId_idx" ON "EntitlementTool"("toolId");

-- CreateIndex
CREATE INDEX "Assignment_agentId_endedAt_idx" ON "Assignment"("agentId", "endedAt");

-- CreateIndex
CREATE INDEX "Assignment_userId_endedAt_idx" ON "Assignment"("userId", "endedAt");

-- CreateIndex
CREATE INDEX "Assignment_groupId_endedAt_idx" ON "Assignment"("groupId", "endedAt");

-- CreateIndex
CREATE INDEX "Assignment_entitlementId_endedAt_idx" ON "Assignment"("entitlementId", "endedAt");

-- CreateIndex
CREATE INDEX "Assignment_expiresAt_idx" ON "Assignment"("expiresAt");

-- CreateIndex
CREATE INDEX "AgentSession_status_expiresAt_idx" ON "AgentSession"("status", "expiresAt");

-- CreateIndex
CREATE INDEX "AgentSession_agentId_status_expiresAt_idx" ON "AgentSession"("agentId", "status", "expiresAt");

-- CreateIndex
CREATE INDEX "AgentSession_userId_status_expiresAt_idx" ON "AgentSession"("userId", "status", "expiresAt");

-- CreateIndex
CREATE INDEX "AgentSession_serverId_status_expiresAt_idx" ON "AgentSession"("serverId", "status", "expiresAt");

-- CreateIndex
CREATE INDEX "AgentSession_status_createdAt_id_idx" ON "AgentSession"("status", "createdAt", "id");

-- CreateIndex
CREATE INDEX "AgentSession_revokedAt_idx" ON "AgentSession"("revokedAt");

-- CreateIndex
CREATE UNIQUE INDEX "IssuedToken_jti_key" ON "IssuedToken"("jti");

-- CreateIndex
CREATE INDEX "IssuedToken_sessionId_idx" ON "IssuedToken"("sessionId");

-- CreateIndex
CREATE INDEX "IssuedToken_expiresAt_idx" ON "IssuedToken"("expiresAt");

-- CreateIndex
CREATE INDEX "SeenJti_expiresAt_idx" ON "SeenJti"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "SigningKey_kid_key" ON "SigningKey"("kid");

-- CreateIndex
CREATE INDEX "SigningKey_status_idx" ON "SigningKey"("status");

-- CreateIndex
CREATE UNIQUE INDEX "TrustedIdp_name_key" ON "TrustedIdp"("name");

-- CreateIndex
CREATE UNIQUE INDEX "TrustedIdp_issuer_key" ON "TrustedIdp"("issuer");

-- CreateIndex
CREATE INDEX "AuditEvent_occurredAt_id_idx" ON "AuditEvent"("occurredAt", "id");

-- CreateIndex
CREATE INDEX "AuditEvent_actorId_occurredAt_idx" ON "AuditEvent"("actorId", "occurredAt");

-- CreateIndex
CREATE INDEX "AuditEvent_targetId_occurredAt_idx" ON "AuditEvent"("targetId", "occurredAt");

-- CreateIndex
CREATE INDEX "AuditEvent_action_occurredAt_idx" ON "AuditEvent"("action", "occurredAt");

-- CreateIndex
CREATE INDEX "AuditEvent_sessionId_occurredAt_idx" ON "AuditEvent"("sessionId", "occurredAt");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_stream_seq_key" ON "AuditEvent"("stream", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "ReviewCampaign_name_key" ON "ReviewCampaign"("name");

-- CreateIndex
CREATE INDEX "ReviewCampaign_status_dueAt_idx" ON "ReviewCampaign"("status", "dueAt");

-- CreateIndex
CREATE INDEX "ReviewItem_reviewerId_status_idx" ON "ReviewItem"("reviewerId", "status");

-- CreateIndex
CREATE INDEX "ReviewItem_campaignId_status_idx" ON "ReviewItem"("campaignId", "status");

-- CreateIndex
CREATE INDEX "ReviewItem_assignmentId_idx" ON "ReviewItem"("assignmentId");
