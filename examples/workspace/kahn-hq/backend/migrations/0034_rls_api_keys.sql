-- 0034: rls api keys
-- M7.3.2
ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;

CREATE POLICY tenant_read ON api_keys
    FOR SELECT
    USING (org_id = current_setting('app.org_id'));

CREATE POLICY tenant_write ON api_keys
    FOR ALL
    USING (org_id = current_setting('app.org_id'))
    WITH CHECK (org_id = current_setting('app.org_id'));
