-- 0028: create app roles
-- M7.1.1: runtime roles. The migration role (kahn_owner) owns every table;
-- kahn_app and kahn_service never own anything and have no BYPASSRLS.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kahn_app') THEN
        CREATE ROLE kahn_app NOLOGIN NOBYPASSRLS;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kahn_service') THEN
        CREATE ROLE kahn_service NOLOGIN NOBYPASSRLS;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO kahn_app, kahn_service;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO kahn_app, kahn_service;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO kahn_app, kahn_service;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO kahn_app, kahn_service;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT USAGE ON SEQUENCES TO kahn_app, kahn_service;
