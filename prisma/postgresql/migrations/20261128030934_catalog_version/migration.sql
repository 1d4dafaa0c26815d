-- CreateTable
CREATE TABLE "CatalogVersion" (
    "id" INTEGER NOT NULL,
    "generation" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "CatalogVersion_pkey" PRIMARY KEY ("id")
);

-- The catalogue's one version row, and the triggers that bump it on every change to the tables the
-- entitlement catalogue is read from (lib/entitlements/entitlement-catalog.ts). Per statement: a
-- policy import that writes a thousand rows bumps it once per statement, not once per row.
INSERT INTO "CatalogVersion" ("id", "generation") VALUES (1, 0);

CREATE FUNCTION "catalog_version_bump"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "CatalogVersion" SET "generation" = "generation" + 1 WHERE "id" = 1;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "McpServer_catalog_bump" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "McpServer"
  FOR EACH STATEMENT EXECUTE FUNCTION "catalog_version_bump"();

CREATE TRIGGER "Tool_catalog_bump" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Tool"
  FOR EACH STATEMENT EXECUTE FUNCTION "catalog_version_bump"();

CREATE TRIGGER "Entitlement_catalog_bump" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Entitlement"
  FOR EACH STATEMENT EXECUTE FUNCTION "catalog_version_bump"();

CREATE TRIGGER "EntitlementTool_catalog_bump" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "EntitlementTool"
  FOR EACH STATEMENT EXECUTE FUNCTION "catalog_version_bump"();
