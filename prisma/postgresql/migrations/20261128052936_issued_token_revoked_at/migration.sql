-- CreateIndex
CREATE INDEX "IssuedToken_revokedAt_idx" ON "IssuedToken"("revokedAt");
