-- 0020: api keys prefix index nonunique
-- Prefixes are not unique (docs/findings/20260119-0915-api-key-prefix-collision.md).
-- Lookup fetches every key for a prefix and compares key_hash.
DROP INDEX api_keys_prefix_key;
CREATE INDEX api_keys_prefix_idx ON api_keys (prefix);
