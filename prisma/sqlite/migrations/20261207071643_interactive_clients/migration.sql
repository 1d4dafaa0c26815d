-- AlterTable
ALTER TABLE "Agent" ADD COLUMN "approvedAt" DATETIME;
ALTER TABLE "Agent" ADD COLUMN "approvedById" TEXT;
ALTER TABLE "Agent" ADD COLUMN "clientMetadata" JSONB;
ALTER TABLE "Agent" ADD COLUMN "redirectUris" TEXT;
ALTER TABLE "Agent" ADD COLUMN "registration" TEXT;

-- CreateTable
CREATE TABLE "AuthorizationRequest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "agentId" TEXT NOT NULL,
    "redirectUri" TEXT NOT NULL,
    "state" TEXT,
    "codeChallenge" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "serverId" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "userId" TEXT,
    "authTime" DATETIME,
    "refusedReason" TEXT,
    "codeHash" TEXT,
    "codeExpiresAt" DATETIME,
    "issuedAt" DATETIME,
    "grantedScope" TEXT,
    "redeemedAt" DATETIME,
    "sessionId" TEXT,
    "replayedAt" DATETIME,
    CONSTRAINT "AuthorizationRequest_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "AuthorizationRequest_codeHash_key" ON "AuthorizationRequest"("codeHash");

-- CreateIndex
CREATE INDEX "AuthorizationRequest_agentId_createdAt_idx" ON "AuthorizationRequest"("agentId", "createdAt");

-- CreateIndex
CREATE INDEX "AuthorizationRequest_expiresAt_idx" ON "AuthorizationRequest"("expiresAt");
