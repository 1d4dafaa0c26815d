-- AlterEnum
ALTER TYPE "AgentKind" ADD VALUE 'interactive';

-- AlterEnum
ALTER TYPE "AgentStatus" ADD VALUE 'pending';

-- AlterEnum
ALTER TYPE "ClientAuthMethod" ADD VALUE 'none';

-- AlterEnum
ALTER TYPE "TokenKind" ADD VALUE 'refresh_token';

-- AlterTable
ALTER TABLE "Agent" ADD COLUMN     "approvedAt" TIMESTAMP(3),
ADD COLUMN     "approvedById" TEXT,
ADD COLUMN     "clientMetadata" JSONB,
ADD COLUMN     "redirectUris" TEXT,
ADD COLUMN     "registration" TEXT;

-- CreateTable
CREATE TABLE "AuthorizationRequest" (
    "id" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "redirectUri" TEXT NOT NULL,
    "state" TEXT,
    "codeChallenge" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "serverId" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "userId" TEXT,
    "authTime" TIMESTAMP(3),
    "refusedReason" TEXT,
    "codeHash" TEXT,
    "codeExpiresAt" TIMESTAMP(3),
    "issuedAt" TIMESTAMP(3),
    "grantedScope" TEXT,
    "redeemedAt" TIMESTAMP(3),
    "sessionId" TEXT,
    "replayedAt" TIMESTAMP(3),

    CONSTRAINT "AuthorizationRequest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AuthorizationRequest_codeHash_key" ON "AuthorizationRequest"("codeHash");

-- CreateIndex
CREATE INDEX "AuthorizationRequest_agentId_createdAt_idx" ON "AuthorizationRequest"("agentId", "createdAt");

-- CreateIndex
CREATE INDEX "AuthorizationRequest_expiresAt_idx" ON "AuthorizationRequest"("expiresAt");

-- AddForeignKey
ALTER TABLE "AuthorizationRequest" ADD CONSTRAINT "AuthorizationRequest_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;
