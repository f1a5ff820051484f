-- 0043: backfill runs org id
-- M7.8.1 (part 2). In production this ran in batches from the backfill job;
-- this statement is the idempotent catch-up for fresh databases and stragglers.
UPDATE runs r
   SET org_id = p.org_id
  FROM projects p
 WHERE p.id = r.project_id
   AND r.org_id IS NULL;
