-- 0041: runs add org id
-- M7.8.1 (part 1): runs gets its own org_id. Nullable until the backfill
-- (0043) completes; see docs/decisions/2026-04-21-phase-7-scope-freeze.md.
ALTER TABLE runs ADD COLUMN org_id text REFERENCES orgs (id) ON DELETE CASCADE;

CREATE INDEX runs_org_created_idx ON runs (org_id, created_at DESC);
