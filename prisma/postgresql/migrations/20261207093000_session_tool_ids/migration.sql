-- AlterTable
ALTER TABLE "AgentSession" ADD COLUMN     "toolIds" TEXT NOT NULL DEFAULT '';
