-- AlterTable
ALTER TABLE "Agent" ADD COLUMN "approvedAt" DATETIME;
ALTER TABLE "Agent" ADD COLUMN "approvedById" TEXT;
ALTER TABLE "Agent" ADD COLUMN "clientMetadata" JSONB;
ALTER TABLE "Agent" ADD COLUMN "redirectUris" TEXT;
ALTER TABLE "Agent" ADD COLUMN "registration" TEXT;
