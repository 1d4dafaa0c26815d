-- Trusted issuers get roles and allowed algorithms. The per-IdP "audience" is dropped: an ID token must now be
-- issued to the presenting agent (AgentIdpClient), so exchanges fail closed until each delegated agent's client id
-- at its IdP is recorded. SCIM tokens may name the IdP they provision for.
-- CreateTable
CREATE TABLE "AgentIdpClient" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "agentId" TEXT NOT NULL,
    "idpId" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AgentIdpClient_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AgentIdpClient_idpId_fkey" FOREIGN KEY ("idpId") REFERENCES "TrustedIdp" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ScimToken" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" DATETIME,
    "revokedAt" DATETIME,
    "rotatedFromId" TEXT,
    "trustedIdpId" TEXT,
    CONSTRAINT "ScimToken_trustedIdpId_fkey" FOREIGN KEY ("trustedIdpId") REFERENCES "TrustedIdp" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_ScimToken" ("createdAt", "createdById", "id", "lastUsedAt", "name", "prefix", "revokedAt", "rotatedFromId", "secretHash") SELECT "createdAt", "createdById", "id", "lastUsedAt", "name", "prefix", "revokedAt", "rotatedFromId", "secretHash" FROM "ScimToken";
DROP TABLE "ScimToken";
ALTER TABLE "new_ScimToken" RENAME TO "ScimToken";
CREATE UNIQUE INDEX "ScimToken_secretHash_key" ON "ScimToken"("secretHash");
CREATE INDEX "ScimToken_revokedAt_idx" ON "ScimToken"("revokedAt");
CREATE TABLE "new_TrustedIdp" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "roles" TEXT NOT NULL DEFAULT 'enterprise_idp',
    "jwksUri" TEXT,
    "jwks" JSONB,
    "algorithms" TEXT NOT NULL DEFAULT 'RS256 ES256 EdDSA PS256',
    "userMatch" TEXT NOT NULL DEFAULT 'sub',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_TrustedIdp" ("createdAt", "enabled", "id", "issuer", "jwks", "jwksUri", "name", "updatedAt", "userMatch") SELECT "createdAt", "enabled", "id", "issuer", "jwks", "jwksUri", "name", "updatedAt", "userMatch" FROM "TrustedIdp";
DROP TABLE "TrustedIdp";
ALTER TABLE "new_TrustedIdp" RENAME TO "TrustedIdp";
CREATE UNIQUE INDEX "TrustedIdp_name_key" ON "TrustedIdp"("name");
CREATE UNIQUE INDEX "TrustedIdp_issuer_key" ON "TrustedIdp"("issuer");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "AgentIdpClient_agentId_idx" ON "AgentIdpClient"("agentId");

-- CreateIndex
CREATE UNIQUE INDEX "AgentIdpClient_idpId_clientId_key" ON "AgentIdpClient"("idpId", "clientId");
