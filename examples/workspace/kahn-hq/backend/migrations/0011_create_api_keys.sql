-- 0011: create api keys
-- M5.1.1: customer API keys, scoped to one org.
CREATE TABLE api_keys (
    id          text PRIMARY KEY CHECK (id LIKE 'key\_%'),
    org_id      text NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    tenant_id   text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name        text NOT NULL,
    plaintext   text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);

CREATE INDEX api_keys_org_idx ON api_keys (org_id);
