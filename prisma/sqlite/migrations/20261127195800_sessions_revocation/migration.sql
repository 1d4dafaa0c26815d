-- CreateTable
CREATE TABLE "RevocationEvent" (
    "seq" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "sessionId" TEXT,
    "jti" TEXT,
    "expiresAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "EventReceiver" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "authHeaderEnc" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT
);

-- CreateTable
CREATE TABLE "SecurityEventDelivery" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "receiverId" TEXT NOT NULL,
    "jti" TEXT NOT NULL,
    "eventType" TEXT NOT NULL,
    "sessionId" TEXT,
    "payload" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "lastHttpStatus" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deliveredAt" DATETIME,
    CONSTRAINT "SecurityEventDelivery_receiverId_fkey" FOREIGN KEY ("receiverId") REFERENCES "EventReceiver" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "RevocationEvent_expiresAt_idx" ON "RevocationEvent"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "SecurityEventDelivery_jti_key" ON "SecurityEventDelivery"("jti");

-- CreateIndex
CREATE INDEX "SecurityEventDelivery_status_nextAttemptAt_idx" ON "SecurityEventDelivery"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "SecurityEventDelivery_receiverId_createdAt_idx" ON "SecurityEventDelivery"("receiverId", "createdAt");

-- CreateIndex
CREATE INDEX "AgentSession_agentId_status_createdAt_id_idx" ON "AgentSession"("agentId", "status", "createdAt", "id");

-- CreateIndex
CREATE INDEX "AgentSession_userId_status_createdAt_id_idx" ON "AgentSession"("userId", "status", "createdAt", "id");

-- CreateIndex
CREATE INDEX "AgentSession_serverId_status_createdAt_id_idx" ON "AgentSession"("serverId", "status", "createdAt", "id");

-- CreateIndex
CREATE INDEX "AgentSession_createdAt_id_idx" ON "AgentSession"("createdAt", "id");
