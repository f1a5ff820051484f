-- 0035: rls audit log
-- M7.3.2
-- audit_log is append-only for runtime roles: read + insert, no update/delete.
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;

CREATE POLICY tenant_read ON audit_log
    FOR SELECT
    USING (org_id = current_setting('app.org_id'));

CREATE POLICY tenant_write ON audit_log
    FOR INSERT
    WITH CHECK (org_id = current_setting('app.org_id'));

REVOKE UPDATE, DELETE ON audit_log FROM kahn_app, kahn_service;
