-- 0032: rls projects
-- M7.3.1
ALTER TABLE projects ENABLE ROW LEVEL SECURITY;

CREATE POLICY tenant_read ON projects
    FOR SELECT
    USING (org_id = kahn.current_org());

CREATE POLICY tenant_write ON projects
    FOR ALL
    USING (org_id = kahn.current_org())
    WITH CHECK (org_id = kahn.current_org());
