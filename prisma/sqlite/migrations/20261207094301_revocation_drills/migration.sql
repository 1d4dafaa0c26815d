-- CreateTable
CREATE TABLE "GatewayInstance" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "url" TEXT NOT NULL,
    "startedAt" DATETIME NOT NULL,
    "lastSeenAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "RevocationDrill" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "serverId" TEXT,
    "serverName" TEXT NOT NULL,
    "enforcementPath" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "requestedBy" TEXT,
    "startedAt" DATETIME NOT NULL,
    "revokedAt" DATETIME,
    "finishedAt" DATETIME NOT NULL,
    "targetMs" INTEGER NOT NULL,
    "outcome" TEXT NOT NULL,
    "slowestMs" INTEGER,
    "reason" TEXT NOT NULL,
    "results" JSONB NOT NULL,
    CONSTRAINT "RevocationDrill_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "McpServer" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_EventReceiver" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "authHeaderEnc" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT,
    "serverId" TEXT,
    CONSTRAINT "EventReceiver_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "McpServer" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_EventReceiver" ("authHeaderEnc", "createdAt", "createdBy", "enabled", "id", "name", "url") SELECT "authHeaderEnc", "createdAt", "createdBy", "enabled", "id", "name", "url" FROM "EventReceiver";
DROP TABLE "EventReceiver";
ALTER TABLE "new_EventReceiver" RENAME TO "EventReceiver";
CREATE INDEX "EventReceiver_serverId_idx" ON "EventReceiver"("serverId");
CREATE TABLE "new_McpServer" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "description" TEXT,
    "resourceUri" TEXT NOT NULL,
    "authorizationServerIssuer" TEXT,
    "enforcementMode" TEXT NOT NULL,
    "upstreamUrl" TEXT,
    "upstreamCredentialEnc" TEXT,
    "argumentLogging" TEXT NOT NULL DEFAULT 'none',
    "ownerId" TEXT,
    "category" TEXT,
    "lastSyncedAt" DATETIME,
    "introspects" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "McpServer_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_McpServer" ("argumentLogging", "authorizationServerIssuer", "category", "createdAt", "description", "enforcementMode", "id", "lastSyncedAt", "name", "ownerId", "resourceUri", "slug", "updatedAt", "upstreamCredentialEnc", "upstreamUrl") SELECT "argumentLogging", "authorizationServerIssuer", "category", "createdAt", "description", "enforcementMode", "id", "lastSyncedAt", "name", "ownerId", "resourceUri", "slug", "updatedAt", "upstreamCredentialEnc", "upstreamUrl" FROM "McpServer";
DROP TABLE "McpServer";
ALTER TABLE "new_McpServer" RENAME TO "McpServer";
CREATE UNIQUE INDEX "McpServer_name_key" ON "McpServer"("name");
CREATE UNIQUE INDEX "McpServer_slug_key" ON "McpServer"("slug");
CREATE UNIQUE INDEX "McpServer_resourceUri_key" ON "McpServer"("resourceUri");
-- Redefining the table dropped the catalogue-version triggers (20261128030934_catalog_version): restore them,
-- or a re-addressed server would not bump the entitlement catalogue on SQLite.
CREATE TRIGGER "McpServer_catalog_insert" AFTER INSERT ON "McpServer"
BEGIN UPDATE "CatalogVersion" SET "generation" = "generation" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "McpServer_catalog_update" AFTER UPDATE ON "McpServer"
BEGIN UPDATE "CatalogVersion" SET "generation" = "generation" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "McpServer_catalog_delete" AFTER DELETE ON "McpServer"
BEGIN UPDATE "CatalogVersion" SET "generation" = "generation" + 1 WHERE "id" = 1; END;
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "GatewayInstance_lastSeenAt_idx" ON "GatewayInstance"("lastSeenAt");

-- CreateIndex
CREATE INDEX "RevocationDrill_serverId_startedAt_idx" ON "RevocationDrill"("serverId", "startedAt");

-- CreateIndex
CREATE INDEX "RevocationDrill_startedAt_idx" ON "RevocationDrill"("startedAt");
