-- CreateTable
CREATE TABLE "SignInAttempt" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "account" TEXT NOT NULL,
    "clientAddress" TEXT,
    "occurredAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "SignInAttempt_account_occurredAt_idx" ON "SignInAttempt"("account", "occurredAt");

-- CreateIndex
CREATE INDEX "SignInAttempt_clientAddress_occurredAt_idx" ON "SignInAttempt"("clientAddress", "occurredAt");
