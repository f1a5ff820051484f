-- 0005: create projects
CREATE TABLE projects (
    id          text PRIMARY KEY CHECK (id LIKE 'prj\_%'),
    org_id      text NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    name        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (org_id, name)
);
