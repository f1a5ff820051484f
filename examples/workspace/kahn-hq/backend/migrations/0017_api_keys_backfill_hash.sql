-- 0017: api keys backfill hash
UPDATE api_keys
   SET key_hash = digest(plaintext, 'sha256')
 WHERE key_hash IS NULL;

ALTER TABLE api_keys ALTER COLUMN key_hash SET NOT NULL;
