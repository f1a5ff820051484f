-- 0018: api keys drop plaintext
-- M5.2.2: the plaintext key is shown once at creation and never stored.
ALTER TABLE api_keys DROP COLUMN plaintext;
