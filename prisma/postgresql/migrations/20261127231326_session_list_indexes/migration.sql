-- DropIndex
DROP INDEX "AgentSession_status_expiresAt_idx";

-- CreateIndex
CREATE INDEX "AgentSession_status_expiresAt_id_idx" ON "AgentSession"("status", "expiresAt", "id");

-- CreateIndex
CREATE INDEX "AgentSession_agentId_createdAt_id_idx" ON "AgentSession"("agentId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "AgentSession_userId_createdAt_id_idx" ON "AgentSession"("userId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "AgentSession_serverId_createdAt_id_idx" ON "AgentSession"("serverId", "createdAt", "id");
