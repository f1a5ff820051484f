-- 0044: runs org id not null
-- M7.8.1 (part 3).
ALTER TABLE runs ALTER COLUMN org_id SET NOT NULL;
