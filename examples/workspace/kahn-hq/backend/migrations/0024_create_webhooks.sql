-- 0024: create webhooks
-- M6.2.1: outbound webhook endpoints, HMAC-signed.
CREATE TABLE webhooks (
    id              text PRIMARY KEY CHECK (id LIKE 'whk\_%'),
    org_id          text NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    url             text NOT NULL CHECK (url LIKE 'https://%'),
    signing_secret  bytea NOT NULL DEFAULT gen_random_bytes(32),
    events          text[] NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL DEFAULT now(),
    disabled_at     timestamptz
);
