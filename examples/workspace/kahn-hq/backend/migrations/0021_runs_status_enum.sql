-- 0021: runs status enum
-- M6.1.1
CREATE TYPE run_status AS ENUM ('queued', 'running', 'succeeded', 'failed', 'cancelled');

ALTER TABLE runs ALTER COLUMN status DROP DEFAULT;
ALTER TABLE runs ALTER COLUMN status TYPE run_status USING status::run_status;
ALTER TABLE runs ALTER COLUMN status SET DEFAULT 'queued';
