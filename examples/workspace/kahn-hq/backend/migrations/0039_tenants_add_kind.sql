-- 0039: tenants add kind
-- M7.6.1: service tenants are principals too.
ALTER TABLE tenants
    ADD COLUMN kind text NOT NULL DEFAULT 'user'
        CHECK (kind IN ('user', 'service'));

ALTER TABLE tenants
    ADD CONSTRAINT tenants_user_kind_check
        CHECK ((kind = 'user') = (user_id IS NOT NULL));
