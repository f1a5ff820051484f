-- 0002: create orgs
CREATE TABLE orgs (
    id          text PRIMARY KEY CHECK (id LIKE 'org\_%'),
    name        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
