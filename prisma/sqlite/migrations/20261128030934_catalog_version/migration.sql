-- CreateTable
CREATE TABLE "CatalogVersion" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "generation" INTEGER NOT NULL DEFAULT 0
);

-- The catalogue's one version row, and the triggers that bump it on every change to the tables the
-- entitlement catalogue is read from (lib/entitlements/entitlement-catalog.ts).
INSERT INTO "CatalogVersion" ("id", "generation") VALUES (1, 0);

CREATE TRIGGER "McpServer_catalog_insert" AFTER INSERT ON "McpServer"
BEGIN UPDATE "CatalogVersion" SET "generation" = "generation" + 1 WHERE "id" = 1; END;

CREATE TRIGGER "McpServer_catalog_update" AFTER UPDATE ON "McpServer"
BEGIN UPDATE "CatalogVersion" SET "generation" = "generation" + 1 WHERE "id" = 1; END;

CREATE TRIGGER "McpServer_catalog_delete" AFTER DELETE ON "McpServer"
BEGIN UPDATE "CatalogVersion" SET "generation" = "generation" + 1 WHERE "id" = 1; END;

CREATE TRIGGER "Tool_catalog_insert" AFTER INSERT ON "Tool"
BEGIN UPDATE "CatalogVersion" SET "generation" = "generation" + 1 WHERE "id" = 1; END;

CREATE TRIGGER "Tool_catalog_update" AFTER UPDATE ON "Tool"
BEGIN UPDATE "CatalogVersion" SET "generation" = "generation" + 1 WHERE "id" = 1; END;

CREATE TRIGGER "Tool_catalog_delete" AFTER DELETE ON "Tool"
BEGIN UPDATE "CatalogVersion" SET "generation" = "generation" + 1 WHERE "id" = 1; END;

CREATE TRIGGER "Entitlement_catalog_insert" AFTER INSERT ON "Entitlement"
BEGIN UPDATE "CatalogVersion" SET "generation" = "generation" + 1 WHERE "id" = 1; END;

CREATE TRIGGER "Entitlement_catalog_update" AFTER UPDATE ON "Entitlement"
BEGIN UPDATE "CatalogVersion" SET "generation" = "generation" + 1 WHERE "id" = 1; END;

CREATE TRIGGER "Entitlement_catalog_delete" AFTER DELETE ON "Entitlement"
BEGIN UPDATE "CatalogVersion" SET "generation" = "generation" + 1 WHERE "id" = 1; END;

CREATE TRIGGER "EntitlementTool_catalog_insert" AFTER INSERT ON "EntitlementTool"
BEGIN UPDATE "CatalogVersion" SET "generation" = "generation" + 1 WHERE "id" = 1; END;

CREATE TRIGGER "EntitlementTool_catalog_update" AFTER UPDATE ON "EntitlementTool"
BEGIN UPDATE "CatalogVersion" SET "generation" = "generation" + 1 WHERE "id" = 1; END;

CREATE TRIGGER "EntitlementTool_catalog_delete" AFTER DELETE ON "EntitlementTool"
BEGIN UPDATE "CatalogVersion" SET "generation" = "generation" + 1 WHERE "id" = 1; END;
