-- 0008: index runs project created
CREATE INDEX runs_project_created_idx ON runs (project_id, created_at DESC);
