-- 0016: index audit log org created
CREATE INDEX audit_log_org_created_idx ON audit_log (org_id, created_at DESC);
