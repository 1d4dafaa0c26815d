-- AlterTable
ALTER TABLE "Assignment" ADD COLUMN "separationConflict" TEXT;
ALTER TABLE "Assignment" ADD COLUMN "separationConflictAt" DATETIME;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Agent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "clientId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "purpose" TEXT,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "ownerId" TEXT,
    "ownerlessSince" DATETIME,
    "authMethod" TEXT NOT NULL,
    "jwksUri" TEXT,
    "jwks" JSONB,
    "clientSecretHash" TEXT,
    "credentialHolderId" TEXT,
    "credentialIssuedAt" DATETIME,
    "allowedGrantTypes" TEXT NOT NULL,
    "maxTokenLifetimeSeconds" INTEGER NOT NULL DEFAULT 300,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "suspendedAt" DATETIME,
    "retiredAt" DATETIME,
    CONSTRAINT "Agent_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Agent_credentialHolderId_fkey" FOREIGN KEY ("credentialHolderId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Agent" ("allowedGrantTypes", "authMethod", "clientId", "clientSecretHash", "createdAt", "id", "jwks", "jwksUri", "kind", "maxTokenLifetimeSeconds", "name", "ownerId", "ownerlessSince", "purpose", "retiredAt", "status", "suspendedAt", "updatedAt") SELECT "allowedGrantTypes", "authMethod", "clientId", "clientSecretHash", "createdAt", "id", "jwks", "jwksUri", "kind", "maxTokenLifetimeSeconds", "name", "ownerId", "ownerlessSince", "purpose", "retiredAt", "status", "suspendedAt", "updatedAt" FROM "Agent";
DROP TABLE "Agent";
ALTER TABLE "new_Agent" RENAME TO "Agent";
CREATE UNIQUE INDEX "Agent_clientId_key" ON "Agent"("clientId");
CREATE UNIQUE INDEX "Agent_name_key" ON "Agent"("name");
CREATE INDEX "Agent_ownerId_idx" ON "Agent"("ownerId");
CREATE INDEX "Agent_status_name_idx" ON "Agent"("status", "name");
CREATE TABLE "new_ApiKey" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME,
    "lastUsedAt" DATETIME,
    "revokedAt" DATETIME,
    "rotatedFromId" TEXT,
    CONSTRAINT "ApiKey_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_ApiKey" ("createdAt", "createdById", "expiresAt", "id", "lastUsedAt", "name", "prefix", "revokedAt", "role", "rotatedFromId", "secretHash") SELECT "createdAt", "createdById", "expiresAt", "id", "lastUsedAt", "name", "prefix", "revokedAt", "role", "rotatedFromId", "secretHash" FROM "ApiKey";
DROP TABLE "ApiKey";
ALTER TABLE "new_ApiKey" RENAME TO "ApiKey";
CREATE UNIQUE INDEX "ApiKey_secretHash_key" ON "ApiKey"("secretHash");
CREATE INDEX "ApiKey_revokedAt_expiresAt_idx" ON "ApiKey"("revokedAt", "expiresAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "Assignment_separationConflictAt_idx" ON "Assignment"("separationConflictAt");

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
