-- 0023: create artifacts
-- M6.1.2
CREATE TABLE artifacts (
    id            text PRIMARY KEY CHECK (id LIKE 'art\_%'),
    run_id        text NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    org_id        text NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    path          text NOT NULL,
    size_bytes    bigint NOT NULL CHECK (size_bytes >= 0),
    sha256        bytea NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX artifacts_run_idx ON artifacts (run_id);
