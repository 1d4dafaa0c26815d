-- AlterEnum
ALTER TYPE "CampaignStatus" ADD VALUE 'launching';

-- DropForeignKey
ALTER TABLE "ReviewItem" DROP CONSTRAINT "ReviewItem_reviewerId_fkey";

-- DropIndex
DROP INDEX "ReviewItem_reviewerId_status_idx";

-- AlterTable
ALTER TABLE "ReviewCampaign" ADD COLUMN     "escalateAfterDays" INTEGER,
ADD COLUMN     "itemCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'campaign',
ADD COLUMN     "launchedCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "nextRunAt" TIMESTAMP(3),
ADD COLUMN     "reminderIntervalDays" INTEGER,
ADD COLUMN     "templateId" TEXT,
ADD COLUMN     "trigger" TEXT;

-- AlterTable
ALTER TABLE "ReviewItem" ADD COLUMN     "escalatedAt" TIMESTAMP(3),
ADD COLUMN     "firstDecision" JSONB,
ADD COLUMN     "reassignNote" TEXT,
ADD COLUMN     "remediatedAt" TIMESTAMP(3),
ADD COLUMN     "remindedAt" TIMESTAMP(3),
ADD COLUMN     "reminderCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "rubberStampFlag" BOOLEAN NOT NULL DEFAULT false,
ALTER COLUMN "reviewerId" DROP NOT NULL;

-- CreateIndex
CREATE INDEX "ReviewCampaign_nextRunAt_idx" ON "ReviewCampaign"("nextRunAt");

-- CreateIndex
CREATE INDEX "ReviewItem_reviewerId_status_id_idx" ON "ReviewItem"("reviewerId", "status", "id");

-- CreateIndex
CREATE INDEX "ReviewItem_campaignId_reviewerId_idx" ON "ReviewItem"("campaignId", "reviewerId");

-- AddForeignKey
ALTER TABLE "ReviewItem" ADD CONSTRAINT "ReviewItem_reviewerId_fkey" FOREIGN KEY ("reviewerId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
