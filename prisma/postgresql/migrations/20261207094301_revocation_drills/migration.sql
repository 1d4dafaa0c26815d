-- AlterTable
ALTER TABLE "EventReceiver" ADD COLUMN     "serverId" TEXT;

-- AlterTable
ALTER TABLE "McpServer" ADD COLUMN     "introspects" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "GatewayInstance" (
    "id" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "GatewayInstance_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RevocationDrill" (
    "id" TEXT NOT NULL,
    "serverId" TEXT,
    "serverName" TEXT NOT NULL,
    "enforcementPath" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "requestedBy" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3) NOT NULL,
    "targetMs" INTEGER NOT NULL,
    "outcome" TEXT NOT NULL,
    "slowestMs" INTEGER,
    "reason" TEXT NOT NULL,
    "results" JSONB NOT NULL,

    CONSTRAINT "RevocationDrill_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "GatewayInstance_lastSeenAt_idx" ON "GatewayInstance"("lastSeenAt");

-- CreateIndex
CREATE INDEX "RevocationDrill_serverId_startedAt_idx" ON "RevocationDrill"("serverId", "startedAt");

-- CreateIndex
CREATE INDEX "RevocationDrill_startedAt_idx" ON "RevocationDrill"("startedAt");

-- CreateIndex
CREATE INDEX "EventReceiver_serverId_idx" ON "EventReceiver"("serverId");

-- AddForeignKey
ALTER TABLE "EventReceiver" ADD CONSTRAINT "EventReceiver_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "McpServer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RevocationDrill" ADD CONSTRAINT "RevocationDrill_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "McpServer"("id") ON DELETE SET NULL ON UPDATE CASCADE;
