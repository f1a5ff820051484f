-- 0033: inline tenant predicate
-- docs/decisions/2026-03-18-inline-tenant-predicate.md
-- Replace kahn.current_org() with the inline predicate the spec requires.

DROP POLICY tenant_read ON orgs;
CREATE POLICY tenant_read ON orgs
    FOR SELECT
    USING (id = current_setting('app.org_id'));

DROP POLICY tenant_write ON orgs;
CREATE POLICY tenant_write ON orgs
    FOR ALL
    USING (id = current_setting('app.org_id'))
    WITH CHECK (id = current_setting('app.org_id'));

DROP POLICY tenant_read ON memberships;
CREATE POLICY tenant_read ON memberships
    FOR SELECT
    USING (org_id = current_setting('app.org_id'));

DROP POLICY tenant_write ON memberships;
CREATE POLICY tenant_write ON memberships
    FOR ALL
    USING (org_id = current_setting('app.org_id'))
    WITH CHECK (org_id = current_setting('app.org_id'));

DROP POLICY tenant_read ON projects;
CREATE POLICY tenant_read ON projects
    FOR SELECT
    USING (org_id = current_setting('app.org_id'));

DROP POLICY tenant_write ON projects;
CREATE POLICY tenant_write ON projects
    FOR ALL
    USING (org_id = current_setting('app.org_id'))
    WITH CHECK (org_id = current_setting('app.org_id'));

-- No policy references the helper any more.
DROP FUNCTION kahn.current_org();
