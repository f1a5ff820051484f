-- 0038: rls usage counters run steps
-- M7.4.2
ALTER TABLE usage_counters ENABLE ROW LEVEL SECURITY;

CREATE POLICY tenant_read ON usage_counters
    FOR SELECT
    USING (org_id = current_setting('app.org_id'));

CREATE POLICY tenant_write ON usage_counters
    FOR ALL
    USING (org_id = current_setting('app.org_id'))
    WITH CHECK (org_id = current_setting('app.org_id'));

ALTER TABLE run_steps ENABLE ROW LEVEL SECURITY;

CREATE POLICY tenant_read ON run_steps
    FOR SELECT
    USING (org_id = current_setting('app.org_id'));

CREATE POLICY tenant_write ON run_steps
    FOR ALL
    USING (org_id = current_setting('app.org_id'))
    WITH CHECK (org_id = current_setting('app.org_id'));
