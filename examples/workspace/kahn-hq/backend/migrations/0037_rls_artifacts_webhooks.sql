-- 0037: rls artifacts webhooks
-- M7.4.1
ALTER TABLE artifacts ENABLE ROW LEVEL SECURITY;

CREATE POLICY tenant_read ON artifacts
    FOR SELECT
    USING (org_id = current_setting('app.org_id'));

CREATE POLICY tenant_write ON artifacts
    FOR ALL
    USING (org_id = current_setting('app.org_id'))
    WITH CHECK (org_id = current_setting('app.org_id'));

ALTER TABLE webhooks ENABLE ROW LEVEL SECURITY;

CREATE POLICY tenant_read ON webhooks
    FOR SELECT
    USING (org_id = current_setting('app.org_id'));

CREATE POLICY tenant_write ON webhooks
    FOR ALL
    USING (org_id = current_setting('app.org_id'))
    WITH CHECK (org_id = current_setting('app.org_id'));

ALTER TABLE webhook_deliveries ENABLE ROW LEVEL SECURITY;

CREATE POLICY tenant_read ON webhook_deliveries
    FOR SELECT
    USING (org_id = current_setting('app.org_id'));

CREATE POLICY tenant_write ON webhook_deliveries
    FOR ALL
    USING (org_id = current_setting('app.org_id'))
    WITH CHECK (org_id = current_setting('app.org_id'));
