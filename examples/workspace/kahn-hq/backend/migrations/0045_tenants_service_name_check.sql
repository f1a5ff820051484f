-- 0045: tenants service name check
-- docs/decisions/2026-04-24-service-tenant-naming.md
ALTER TABLE tenants
    ADD CONSTRAINT tenants_service_name_check
        CHECK (kind <> 'service' OR name ~ '^service:[a-z0-9-]+$');
