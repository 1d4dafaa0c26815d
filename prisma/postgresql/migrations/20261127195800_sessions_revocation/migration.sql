-- CreateEnum
CREATE TYPE "DeliveryStatus" AS ENUM ('pending', 'delivered', 'failed');

-- CreateTable
CREATE TABLE "RevocationEvent" (
    "seq" SERIAL NOT NULL,
    "sessionId" TEXT,
    "jti" TEXT,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RevocationEvent_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "EventReceiver" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "authHeaderEnc" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT,

    CONSTRAINT "EventReceiver_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SecurityEventDelivery" (
    "id" TEXT NOT NULL,
    "receiverId" TEXT NOT NULL,
    "jti" TEXT NOT NULL,
    "eventType" TEXT NOT NULL,
    "sessionId" TEXT,
    "payload" TEXT NOT NULL,
    "status" "DeliveryStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "lastHttpStatus" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deliveredAt" TIMESTAMP(3),

    CONSTRAINT "SecurityEventDelivery_pkey" PRIMARY KEY ("id")
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

-- AddForeignKey
ALTER TABLE "SecurityEventDelivery" ADD CONSTRAINT "SecurityEventDelivery_receiverId_fkey" FOREIGN KEY ("receiverId") REFERENCES "EventReceiver"("id") ON DELETE CASCADE ON UPDATE CASCADE;
