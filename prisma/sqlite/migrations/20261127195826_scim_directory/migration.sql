-- AlterTable
ALTER TABLE "Group" ADD COLUMN "deletedAt" DATETIME;

-- AlterTable
ALTER TABLE "User" ADD COLUMN "deletedAt" DATETIME;

-- CreateTable
CREATE TABLE "ScimToken" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" DATETIME,
    "revokedAt" DATETIME,
    "rotatedFromId" TEXT
);

-- CreateIndex
CREATE UNIQUE INDEX "ScimToken_secretHash_key" ON "ScimToken"("secretHash");

-- CreateIndex
CREATE INDEX "ScimToken_revokedAt_idx" ON "ScimToken"("revokedAt");

-- CreateIndex
CREATE INDEX "Group_externalId_idx" ON "Group"("externalId");

-- CreateIndex
CREATE INDEX "User_externalId_idx" ON "User"("externalId");
