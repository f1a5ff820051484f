-- 0027: audit log org id not null
-- docs/findings/20260226-1640-audit-log-missing-org-id.md
-- Rows with NULL org_id were backfilled from webhook_deliveries -> webhooks
-- before this ran; a repeat now fails at write time.
ALTER TABLE audit_log ALTER COLUMN org_id SET NOT NULL;
