-- AlterTable
ALTER TABLE "Tool" ADD COLUMN     "approvedDefinition" JSONB,
ADD COLUMN     "approvedDefinitionHash" TEXT,
ADD COLUMN     "definitionChangedAt" TIMESTAMP(3);
