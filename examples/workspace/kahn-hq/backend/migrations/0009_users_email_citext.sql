-- 0009: users email citext
-- Case-insensitive emails without the expression index.
DROP INDEX users_email_key;
ALTER TABLE users ALTER COLUMN email TYPE citext;
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
