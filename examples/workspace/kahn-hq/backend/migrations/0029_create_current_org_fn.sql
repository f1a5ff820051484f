-- 0029: create current org fn
-- docs/decisions/2026-02-11-rls-helper-function.md
-- (superseded by 2026-03-18-inline-tenant-predicate.md; dropped in 0033)
CREATE SCHEMA IF NOT EXISTS kahn;
GRANT USAGE ON SCHEMA kahn TO kahn_app, kahn_service;

CREATE FUNCTION kahn.current_org() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog
AS $$ SELECT current_setting('app.org_id') $$;
