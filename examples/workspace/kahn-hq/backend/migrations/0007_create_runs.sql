-- 0007: create runs
CREATE TABLE runs (
    id           text PRIMARY KEY CHECK (id LIKE 'run\_%'),
    project_id   text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    status       text NOT NULL DEFAULT 'queued',
    created_at   timestamptz NOT NULL DEFAULT now(),
    started_at   timestamptz,
    finished_at  timestamptz
);
