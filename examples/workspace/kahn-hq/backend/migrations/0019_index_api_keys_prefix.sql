-- 0019: index api keys prefix
CREATE UNIQUE INDEX api_keys_prefix_key ON api_keys (prefix);
