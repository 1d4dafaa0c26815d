-- CreateEnum
CREATE TYPE "UserSource" AS ENUM ('seed', 'local', 'sso', 'scim');

-- CreateEnum
CREATE TYPE "ConsoleRole" AS ENUM ('admin', 'reviewer', 'oncall', 'auditor');

-- CreateEnum
CREATE TYPE "EnforcementMode" AS ENUM ('native', 'gateway');

-- CreateEnum
CREATE TYPE "ArgumentLogging" AS ENUM ('none', 'hash', 'redacted');

-- CreateEnum
CREATE TYPE "ToolRisk" AS ENUM ('read', 'write', 'destructive');

-- CreateEnum
CREATE TYPE "ToolStatus" AS ENUM ('pending', 'approved', 'rejected', 'removed');

-- CreateEnum
CREATE TYPE "AgentKind" AS ENUM ('autonomous', 'delegated');

-- CreateEnum
CREATE TYPE "AgentStatus" AS ENUM ('active', 'suspended', 'retired');

-- CreateEnum
CREATE TYPE "ClientAuthMethod" AS ENUM ('private_key_jwt', 'client_secret_basic', 'client_secret_post');

-- CreateEnum
CREATE TYPE "PrincipalType" AS ENUM ('agent', 'user', 'group');

-- CreateEnum
CREATE TYPE "SessionStatus" AS ENUM ('active', 'revoked', 'expired');

-- CreateEnum
CREATE TYPE "TokenKind" AS ENUM ('access_token', 'id_jag');

-- CreateEnum
CREATE TYPE "KeyStatus" AS ENUM ('next', 'active', 'retiring', 'retired');

-- CreateEnum
CREATE TYPE "ActorType" AS ENUM ('user', 'agent', 'system', 'apikey');

-- CreateEnum
CREATE TYPE "Decision" AS ENUM ('allow', 'deny', 'info');

-- CreateEnum
CREATE TYPE "CampaignStatus" AS ENUM ('draft', 'active', 'closed');

-- CreateEnum
CREATE TYPE "ReviewItemStatus" AS ENUM ('pending', 'certified', 'revoked', 'reduced');

-- CreateEnum
CREATE TYPE "RemediationStatus" AS ENUM ('none', 'pending', 'done', 'failed');

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
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
    "source" "UserSource" NOT NULL DEFAULT 'seed',
    "passwordHash" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "deactivatedAt" TIMESTAMP(3),

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Group" (
    "id" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "description" TEXT,
    "externalId" TEXT,
    "source" "UserSource" NOT NULL DEFAULT 'seed',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Group_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "GroupMembership" (
    "groupId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "GroupMembership_pkey" PRIMARY KEY ("groupId","userId")
);

-- CreateTable
CREATE TABLE "UserRole" (
    "userId" TEXT NOT NULL,
    "role" "ConsoleRole" NOT NULL,
    "grantedBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UserRole_pkey" PRIMARY KEY ("userId","role")
);

-- CreateTable
CREATE TABLE "ConsoleSession" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "endedAt" TIMESTAMP(3),
    "endReason" TEXT,
    "clientAddress" TEXT,
    "userAgent" TEXT,

    CONSTRAINT "ConsoleSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "ConsoleRole" NOT NULL,
    "prefix" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3),
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "rotatedFromId" TEXT,

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "McpServer" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "description" TEXT,
    "resourceUri" TEXT NOT NULL,
    "authorizationServerIssuer" TEXT,
    "enforcementMode" "EnforcementMode" NOT NULL,
    "upstreamUrl" TEXT,
    "upstreamCredentialEnc" TEXT,
    "argumentLogging" "ArgumentLogging" NOT NULL DEFAULT 'none',
    "ownerId" TEXT,
    "category" TEXT,
    "lastSyncedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "McpServer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Tool" (
    "id" TEXT NOT NULL,
    "serverId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "title" TEXT,
    "description" TEXT,
    "inputSchema" JSONB,
    "definitionHash" TEXT,
    "risk" "ToolRisk" NOT NULL DEFAULT 'read',
    "scope" TEXT NOT NULL,
    "status" "ToolStatus" NOT NULL DEFAULT 'pending',
    "approvedById" TEXT,
    "approvedAt" TIMESTAMP(3),
    "firstSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Tool_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Agent" (
    "id" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "purpose" TEXT,
    "kind" "AgentKind" NOT NULL,
    "status" "AgentStatus" NOT NULL DEFAULT 'active',
    "ownerId" TEXT,
    "ownerlessSince" TIMESTAMP(3),
    "authMethod" "ClientAuthMethod" NOT NULL,
    "jwksUri" TEXT,
    "jwks" JSONB,
    "clientSecretHash" TEXT,
    "allowedGrantTypes" TEXT NOT NULL,
    "maxTokenLifetimeSeconds" INTEGER NOT NULL DEFAULT 300,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "suspendedAt" TIMESTAMP(3),
    "retiredAt" TIMESTAMP(3),

    CONSTRAINT "Agent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Entitlement" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "serverId" TEXT NOT NULL,
    "maxSessionSeconds" INTEGER NOT NULL DEFAULT 28800,
    "reauthIntervalSeconds" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Entitlement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EntitlementTool" (
    "entitlementId" TEXT NOT NULL,
    "toolId" TEXT NOT NULL,

    CONSTRAINT "EntitlementTool_pkey" PRIMARY KEY ("entitlementId","toolId")
);

-- CreateTable
CREATE TABLE "Assignment" (
    "id" TEXT NOT NULL,
    "entitlementId" TEXT NOT NULL,
    "principalType" "PrincipalType" NOT NULL,
    "agentId" TEXT,
    "userId" TEXT,
    "groupId" TEXT,
    "excludedToolIds" JSONB,
    "expiresAt" TIMESTAMP(3),
    "justification" TEXT NOT NULL,
    "grantedById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" TIMESTAMP(3),
    "endedReason" TEXT,

    CONSTRAINT "Assignment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AgentSession" (
    "id" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "userId" TEXT,
    "serverId" TEXT NOT NULL,
    "scopes" TEXT NOT NULL,
    "grantType" TEXT NOT NULL,
    "authTime" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "idleExpiresAt" TIMESTAMP(3),
    "reauthDueAt" TIMESTAMP(3),
    "status" "SessionStatus" NOT NULL DEFAULT 'active',
    "risk" "ToolRisk" NOT NULL DEFAULT 'read',
    "tokenCount" INTEGER NOT NULL DEFAULT 0,
    "toolCallCount" INTEGER NOT NULL DEFAULT 0,
    "revokedAt" TIMESTAMP(3),
    "revokedBy" TEXT,
    "revokedReason" TEXT,

    CONSTRAINT "AgentSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IssuedToken" (
    "id" TEXT NOT NULL,
    "jti" TEXT NOT NULL,
    "kind" "TokenKind" NOT NULL,
    "sessionId" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "audience" TEXT NOT NULL,
    "scopes" TEXT NOT NULL,
    "issuedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "IssuedToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SeenJti" (
    "key" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SeenJti_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "SigningKey" (
    "id" TEXT NOT NULL,
    "kid" TEXT NOT NULL,
    "alg" TEXT NOT NULL,
    "publicJwk" JSONB NOT NULL,
    "privateKeyEnc" TEXT NOT NULL,
    "status" "KeyStatus" NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "activatedAt" TIMESTAMP(3),
    "retiringAt" TIMESTAMP(3),
    "publishUntil" TIMESTAMP(3),

    CONSTRAINT "SigningKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TrustedIdp" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "jwksUri" TEXT,
    "jwks" JSONB,
    "audience" TEXT NOT NULL,
    "userMatch" TEXT NOT NULL DEFAULT 'sub',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TrustedIdp_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Setting_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "stream" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "actorType" "ActorType" NOT NULL,
    "actorId" TEXT,
    "actorLabel" TEXT,
    "onBehalfOfId" TEXT,
    "action" TEXT NOT NULL,
    "targetType" TEXT,
    "targetId" TEXT,
    "targetLabel" TEXT,
    "decision" "Decision" NOT NULL,
    "reason" TEXT,
    "sessionId" TEXT,
    "requestId" TEXT,
    "clientAddress" TEXT,
    "detail" JSONB,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReviewCampaign" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "status" "CampaignStatus" NOT NULL DEFAULT 'draft',
    "scope" JSONB NOT NULL,
    "reviewerPolicy" TEXT NOT NULL,
    "namedReviewerIds" JSONB,
    "fallbackReviewerId" TEXT,
    "secondLevelReviewerId" TEXT,
    "unreviewedPolicy" TEXT NOT NULL DEFAULT 'keep',
    "dueAt" TIMESTAMP(3) NOT NULL,
    "recurrenceDays" INTEGER,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "launchedAt" TIMESTAMP(3),
    "closedAt" TIMESTAMP(3),

    CONSTRAINT "ReviewCampaign_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReviewItem" (
    "id" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "assignmentId" TEXT,
    "snapshot" JSONB NOT NULL,
    "risk" "ToolRisk" NOT NULL,
    "reviewerId" TEXT NOT NULL,
    "level" INTEGER NOT NULL DEFAULT 1,
    "status" "ReviewItemStatus" NOT NULL DEFAULT 'pending',
    "decidedById" TEXT,
    "decidedAt" TIMESTAMP(3),
    "justification" TEXT,
    "keptToolIds" JSONB,
    "remediationStatus" "RemediationStatus" NOT NULL DEFAULT 'none',
    "remediationDetail" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReviewItem_pkey" PRIMARY KEY ("id")
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

-- AddForeignKey
ALTER TABLE "User" ADD CONSTRAINT "User_managerId_fkey" FOREIGN KEY ("managerId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GroupMembership" ADD CONSTRAINT "GroupMembership_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "Group"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GroupMembership" ADD CONSTRAINT "GroupMembership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UserRole" ADD CONSTRAINT "UserRole_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConsoleSession" ADD CONSTRAINT "ConsoleSession_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "McpServer" ADD CONSTRAINT "McpServer_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Tool" ADD CONSTRAINT "Tool_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "McpServer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Agent" ADD CONSTRAINT "Agent_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Entitlement" ADD CONSTRAINT "Entitlement_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "McpServer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EntitlementTool" ADD CONSTRAINT "EntitlementTool_entitlementId_fkey" FOREIGN KEY ("entitlementId") REFERENCES "Entitlement"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EntitlementTool" ADD CONSTRAINT "EntitlementTool_toolId_fkey" FOREIGN KEY ("toolId") REFERENCES "Tool"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Assignment" ADD CONSTRAINT "Assignment_entitlementId_fkey" FOREIGN KEY ("entitlementId") REFERENCES "Entitlement"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Assignment" ADD CONSTRAINT "Assignment_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Assignment" ADD CONSTRAINT "Assignment_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Assignment" ADD CONSTRAINT "Assignment_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "Group"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Assignment" ADD CONSTRAINT "Assignment_grantedById_fkey" FOREIGN KEY ("grantedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgentSession" ADD CONSTRAINT "AgentSession_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgentSession" ADD CONSTRAINT "AgentSession_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgentSession" ADD CONSTRAINT "AgentSession_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "McpServer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IssuedToken" ADD CONSTRAINT "IssuedToken_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "AgentSession"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReviewCampaign" ADD CONSTRAINT "ReviewCampaign_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReviewItem" ADD CONSTRAINT "ReviewItem_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "ReviewCampaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReviewItem" ADD CONSTRAINT "ReviewItem_assignmentId_fkey" FOREIGN KEY ("assignmentId") REFERENCES "Assignment"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReviewItem" ADD CONSTRAINT "ReviewItem_reviewerId_fkey" FOREIGN KEY ("reviewerId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
