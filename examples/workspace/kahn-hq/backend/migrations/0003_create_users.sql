-- 0003: create users
CREATE TABLE users (
    id          text PRIMARY KEY CHECK (id LIKE 'usr\_%'),
    email       text NOT NULL,
    full_name   text,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX users_email_key ON users (lower(email));
