-- 0006: create tenants
-- A tenant is an authenticated principal: a user acting through the dashboard
-- or an API key, or (later) an internal service.
CREATE TABLE tenants (
    id          text PRIMARY KEY CHECK (id LIKE 'tnt\_%'),
    name        text NOT NULL UNIQUE,
    user_id     text REFERENCES users (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now()
);
