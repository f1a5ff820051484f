-- 0022: create run steps
-- M6.1.2
CREATE TABLE run_steps (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id       text NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    org_id       text NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    position     integer NOT NULL,
    name         text NOT NULL,
    status       run_status NOT NULL DEFAULT 'queued',
    started_at   timestamptz,
    finished_at  timestamptz,
    UNIQUE (run_id, position)
);
