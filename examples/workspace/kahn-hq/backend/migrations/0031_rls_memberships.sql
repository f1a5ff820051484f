-- 0031: rls memberships
-- M7.3.1
ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;

CREATE POLICY tenant_read ON memberships
    FOR SELECT
    USING (org_id = kahn.current_org());

CREATE POLICY tenant_write ON memberships
    FOR ALL
    USING (org_id = kahn.current_org())
    WITH CHECK (org_id = kahn.current_org());
