-- DropForeignKey
ALTER TABLE "ApiKey" DROP CONSTRAINT "ApiKey_createdById_fkey";

-- AlterTable
ALTER TABLE "Agent" ADD COLUMN     "credentialHolderId" TEXT,
ADD COLUMN     "credentialIssuedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Assignment" ADD COLUMN     "separationConflict" TEXT,
ADD COLUMN     "separationConflictAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "Assignment_separationConflictAt_idx" ON "Assignment"("separationConflictAt");

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Agent" ADD CONSTRAINT "Agent_credentialHolderId_fkey" FOREIGN KEY ("credentialHolderId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Backfill from the audit trail: an agent's credential is held by whoever registered it or last rotated its secret
-- (a person, or the person holding the API key that did it). Unresolvable actors are skipped.
UPDATE "Agent" SET "credentialHolderId" = (
  SELECT u."id" FROM "AuditEvent" e
  LEFT JOIN "ApiKey" k ON e."actorType" = 'apikey' AND k."id" = e."actorId"
  JOIN "User" u ON u."id" = CASE WHEN e."actorType" = 'user' THEN e."actorId" ELSE k."createdById" END
  WHERE e."targetId" = "Agent"."id" AND e."action" IN ('agent.registered', 'agent.secret_rotated') AND e."actorType" IN ('user', 'apikey')
  ORDER BY e."occurredAt" DESC, e."id" DESC LIMIT 1
), "credentialIssuedAt" = (
  SELECT e."occurredAt" FROM "AuditEvent" e
  LEFT JOIN "ApiKey" k ON e."actorType" = 'apikey' AND k."id" = e."actorId"
  JOIN "User" u ON u."id" = CASE WHEN e."actorType" = 'user' THEN e."actorId" ELSE k."createdById" END
  WHERE e."targetId" = "Agent"."id" AND e."action" IN ('agent.registered', 'agent.secret_rotated') AND e."actorType" IN ('user', 'apikey')
  ORDER BY e."occurredAt" DESC, e."id" DESC LIMIT 1
);
