-- CreateTable
CREATE TABLE "SignInAttempt" (
    "id" TEXT NOT NULL,
    "account" TEXT NOT NULL,
    "clientAddress" TEXT,
    "occurredAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SignInAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SignInAttempt_account_occurredAt_idx" ON "SignInAttempt"("account", "occurredAt");

-- CreateIndex
CREATE INDEX "SignInAttempt_clientAddress_occurredAt_idx" ON "SignInAttempt"("clientAddress", "occurredAt");
