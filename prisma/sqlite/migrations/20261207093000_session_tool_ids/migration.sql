-- AlterTable: added in place (a table rebuild would copy every session row).
ALTER TABLE "AgentSession" ADD COLUMN "toolIds" TEXT NOT NULL DEFAULT '';
