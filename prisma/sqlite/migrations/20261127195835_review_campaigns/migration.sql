-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ReviewCampaign" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "kind" TEXT NOT NULL DEFAULT 'campaign',
    "trigger" TEXT,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "scope" JSONB NOT NULL,
    "reviewerPolicy" TEXT NOT NULL,
    "namedReviewerIds" JSONB,
    "fallbackReviewerId" TEXT,
    "secondLevelReviewerId" TEXT,
    "unreviewedPolicy" TEXT NOT NULL DEFAULT 'keep',
    "dueAt" DATETIME NOT NULL,
    "reminderIntervalDays" INTEGER,
    "escalateAfterDays" INTEGER,
    "recurrenceDays" INTEGER,
    "templateId" TEXT,
    "nextRunAt" DATETIME,
    "itemCount" INTEGER NOT NULL DEFAULT 0,
    "launchedCount" INTEGER NOT NULL DEFAULT 0,
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "launchedAt" DATETIME,
    "closedAt" DATETIME,
    CONSTRAINT "ReviewCampaign_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_ReviewCampaign" ("closedAt", "createdAt", "createdById", "description", "dueAt", "fallbackReviewerId", "id", "launchedAt", "name", "namedReviewerIds", "recurrenceDays", "reviewerPolicy", "scope", "secondLevelReviewerId", "status", "unreviewedPolicy") SELECT "closedAt", "createdAt", "createdById", "description", "dueAt", "fallbackReviewerId", "id", "launchedAt", "name", "namedReviewerIds", "recurrenceDays", "reviewerPolicy", "scope", "secondLevelReviewerId", "status", "unreviewedPolicy" FROM "ReviewCampaign";
DROP TABLE "ReviewCampaign";
ALTER TABLE "new_ReviewCampaign" RENAME TO "ReviewCampaign";
CREATE UNIQUE INDEX "ReviewCampaign_name_key" ON "ReviewCampaign"("name");
CREATE INDEX "ReviewCampaign_status_dueAt_idx" ON "ReviewCampaign"("status", "dueAt");
CREATE INDEX "ReviewCampaign_nextRunAt_idx" ON "ReviewCampaign"("nextRunAt");
CREATE TABLE "new_ReviewItem" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "campaignId" TEXT NOT NULL,
    "assignmentId" TEXT,
    "snapshot" JSONB NOT NULL,
    "risk" TEXT NOT NULL,
    "reviewerId" TEXT,
    "level" INTEGER NOT NULL DEFAULT 1,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "decidedById" TEXT,
    "decidedAt" DATETIME,
    "justification" TEXT,
    "keptToolIds" JSONB,
    "firstDecision" JSONB,
    "rubberStampFlag" BOOLEAN NOT NULL DEFAULT false,
    "reassignNote" TEXT,
    "remindedAt" DATETIME,
    "reminderCount" INTEGER NOT NULL DEFAULT 0,
    "escalatedAt" DATETIME,
    "remediationStatus" TEXT NOT NULL DEFAULT 'none',
    "remediationDetail" TEXT,
    "remediatedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ReviewItem_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "ReviewCampaign" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ReviewItem_assignmentId_fkey" FOREIGN KEY ("assignmentId") REFERENCES "Assignment" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "ReviewItem_reviewerId_fkey" FOREIGN KEY ("reviewerId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_ReviewItem" ("assignmentId", "campaignId", "createdAt", "decidedAt", "decidedById", "id", "justification", "keptToolIds", "level", "remediationDetail", "remediationStatus", "reviewerId", "risk", "snapshot", "status") SELECT "assignmentId", "campaignId", "createdAt", "decidedAt", "decidedById", "id", "justification", "keptToolIds", "level", "remediationDetail", "remediationStatus", "reviewerId", "risk", "snapshot", "status" FROM "ReviewItem";
DROP TABLE "ReviewItem";
ALTER TABLE "new_ReviewItem" RENAME TO "ReviewItem";
CREATE INDEX "ReviewItem_reviewerId_status_id_idx" ON "ReviewItem"("reviewerId", "status", "id");
CREATE INDEX "ReviewItem_campaignId_status_idx" ON "ReviewItem"("campaignId", "status");
CREATE INDEX "ReviewItem_campaignId_reviewerId_idx" ON "ReviewItem"("campaignId", "reviewerId");
CREATE INDEX "ReviewItem_assignmentId_idx" ON "ReviewItem"("assignmentId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
