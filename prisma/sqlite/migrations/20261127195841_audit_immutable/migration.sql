-- CreateIndex
CREATE INDEX "AuditEvent_decision_occurredAt_idx" ON "AuditEvent"("decision", "occurredAt");
