-- AlterTable
ALTER TABLE "Tool" ADD COLUMN "approvedDefinition" JSONB;
ALTER TABLE "Tool" ADD COLUMN "approvedDefinitionHash" TEXT;
ALTER TABLE "Tool" ADD COLUMN "definitionChangedAt" DATETIME;
