-- CreateIndex
CREATE INDEX "AuditEvent_decision_occurredAt_idx" ON "AuditEvent"("decision", "occurredAt");

-- CreateIndex
CREATE INDEX "AuditEvent_actorLabel_occurredAt_idx" ON "AuditEvent"("actorLabel", "occurredAt");

-- CreateIndex
CREATE INDEX "AuditEvent_targetLabel_occurredAt_idx" ON "AuditEvent"("targetLabel", "occurredAt");
