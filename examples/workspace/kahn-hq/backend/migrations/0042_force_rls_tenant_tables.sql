-- 0042: force rls tenant tables
-- M7.5.1: table owners are subject to RLS too.
-- Runs with lock_timeout set by the migration runner
-- (docs/findings/20260331-1105-migration-lock-timeout.md).
ALTER TABLE orgs               FORCE ROW LEVEL SECURITY;
ALTER TABLE memberships        FORCE ROW LEVEL SECURITY;
ALTER TABLE projects           FORCE ROW LEVEL SECURITY;
ALTER TABLE api_keys           FORCE ROW LEVEL SECURITY;
ALTER TABLE audit_log          FORCE ROW LEVEL SECURITY;
ALTER TABLE artifacts          FORCE ROW LEVEL SECURITY;
ALTER TABLE webhooks           FORCE ROW LEVEL SECURITY;
ALTER TABLE webhook_deliveries FORCE ROW LEVEL SECURITY;
ALTER TABLE usage_counters     FORCE ROW LEVEL SECURITY;
ALTER TABLE run_steps          FORCE ROW LEVEL SECURITY;
