-- Trusted issuers get roles and allowed algorithms. The per-IdP "audience" is dropped: an ID token must now be
-- issued to the presenting agent (AgentIdpClient), so exchanges fail closed until each delegated agent's client id
-- at its IdP is recorded. SCIM tokens may name the IdP they provision for.
-- AlterTable
ALTER TABLE "ScimToken" ADD COLUMN     "trustedIdpId" TEXT;

-- AlterTable
ALTER TABLE "TrustedIdp" DROP COLUMN "audience",
ADD COLUMN     "algorithms" TEXT NOT NULL DEFAULT 'RS256 ES256 EdDSA PS256',
ADD COLUMN     "roles" TEXT NOT NULL DEFAULT 'enterprise_idp';

-- CreateTable
CREATE TABLE "AgentIdpClient" (
    "id" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "idpId" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AgentIdpClient_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AgentIdpClient_agentId_idx" ON "AgentIdpClient"("agentId");

-- CreateIndex
CREATE UNIQUE INDEX "AgentIdpClient_idpId_clientId_key" ON "AgentIdpClient"("idpId", "clientId");

-- AddForeignKey
ALTER TABLE "AgentIdpClient" ADD CONSTRAINT "AgentIdpClient_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgentIdpClient" ADD CONSTRAINT "AgentIdpClient_idpId_fkey" FOREIGN KEY ("idpId") REFERENCES "TrustedIdp"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ScimToken" ADD CONSTRAINT "ScimToken_trustedIdpId_fkey" FOREIGN KEY ("trustedIdpId") REFERENCES "TrustedIdp"("id") ON DELETE SET NULL ON UPDATE CASCADE;
