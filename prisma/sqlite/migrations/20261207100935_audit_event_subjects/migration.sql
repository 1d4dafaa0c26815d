-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN "agentId" TEXT;
ALTER TABLE "AuditEvent" ADD COLUMN "personId" TEXT;
ALTER TABLE "AuditEvent" ADD COLUMN "serverId" TEXT;

-- CreateIndex
CREATE INDEX "AuditEvent_agentId_occurredAt_idx" ON "AuditEvent"("agentId", "occurredAt");

-- CreateIndex
CREATE INDEX "AuditEvent_personId_occurredAt_idx" ON "AuditEvent"("personId", "occurredAt");

-- CreateIndex
CREATE INDEX "AuditEvent_serverId_occurredAt_idx" ON "AuditEvent"("serverId", "occurredAt");
