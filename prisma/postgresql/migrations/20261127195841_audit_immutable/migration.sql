-- CreateIndex
CREATE INDEX "AuditEvent_decision_occurredAt_idx" ON "AuditEvent"("decision", "occurredAt");

-- CreateIndex
CREATE INDEX "AuditEvent_actorLabel_occurredAt_idx" ON "AuditEvent"("actorLabel", "occurredAt");

-- CreateIndex
CREATE INDEX "AuditEvent_targetLabel_occurredAt_idx" ON "AuditEvent"("targetLabel", "occurredAt");

-- The audit trail is append-only. UPDATE is always refused; DELETE and
-- TRUNCATE only inside a transaction that declared itself the retention job
-- (`SET LOCAL mandate.audit_purge = 'on'`, see lib/audit/retention.ts), which
-- records what it removed as an audit event of its own. Not a defence against
-- a database superuser (who can drop the trigger): the hash chain is the
-- evidence; this stops the application, a migration or a stray script from
-- editing the record.
CREATE FUNCTION "audit_event_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'UPDATE' AND coalesce(current_setting('mandate.audit_purge', true), '') = 'on' THEN
    RETURN NULL;
  END IF;
  RAISE EXCEPTION 'AuditEvent is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'Old events are removed by the retention job (npm run mandate -- audit retention).';
END;
$$;

CREATE TRIGGER "AuditEvent_no_update" BEFORE UPDATE ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION "audit_event_append_only"();
CREATE TRIGGER "AuditEvent_retention_delete_only" BEFORE DELETE ON "AuditEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_event_append_only"();
CREATE TRIGGER "AuditEvent_retention_truncate_only" BEFORE TRUNCATE ON "AuditEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_event_append_only"();
