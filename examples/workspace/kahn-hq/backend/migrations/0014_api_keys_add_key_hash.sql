-- 0014: api keys add key hash
-- M5.2.1: see docs/decisions/2026-01-14-api-keys-hashed-at-rest.md
ALTER TABLE api_keys ADD COLUMN key_hash bytea;
