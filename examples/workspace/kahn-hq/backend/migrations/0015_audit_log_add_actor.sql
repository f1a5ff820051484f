-- 0015: audit log add actor
-- M5.3.2: who did it (tenant) and how (session or api key).
ALTER TABLE audit_log
    ADD COLUMN actor_tenant_id text REFERENCES tenants (id) ON DELETE SET NULL,
    ADD COLUMN actor_kind text NOT NULL DEFAULT 'session'
        CHECK (actor_kind IN ('session', 'api_key', 'system'));
