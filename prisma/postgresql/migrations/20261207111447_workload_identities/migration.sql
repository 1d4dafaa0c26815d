-- CreateTable
CREATE TABLE "AgentWorkloadIdentity" (
    "id" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "idpId" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "claims" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AgentWorkloadIdentity_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AgentWorkloadIdentity_idpId_subject_idx" ON "AgentWorkloadIdentity"("idpId", "subject");

-- CreateIndex
CREATE INDEX "AgentWorkloadIdentity_agentId_idx" ON "AgentWorkloadIdentity"("agentId");

-- AddForeignKey
ALTER TABLE "AgentWorkloadIdentity" ADD CONSTRAINT "AgentWorkloadIdentity_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgentWorkloadIdentity" ADD CONSTRAINT "AgentWorkloadIdentity_idpId_fkey" FOREIGN KEY ("idpId") REFERENCES "TrustedIdp"("id") ON DELETE CASCADE ON UPDATE CASCADE;
