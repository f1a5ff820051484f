-- 0030: rls orgs
-- M7.3.1
ALTER TABLE orgs ENABLE ROW LEVEL SECURITY;

CREATE POLICY tenant_read ON orgs
    FOR SELECT
    USING (id = kahn.current_org());

CREATE POLICY tenant_write ON orgs
    FOR ALL
    USING (id = kahn.current_org())
    WITH CHECK (id = kahn.current_org());
