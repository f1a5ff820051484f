-- 0013: api keys add prefix
-- M5.1.2: display/lookup prefix, e.g. kahn_live_3fa9c1d07b2e.
ALTER TABLE api_keys ADD COLUMN prefix text;
UPDATE api_keys SET prefix = substr(plaintext, 11, 12) WHERE prefix IS NULL;
ALTER TABLE api_keys ALTER COLUMN prefix SET NOT NULL;
