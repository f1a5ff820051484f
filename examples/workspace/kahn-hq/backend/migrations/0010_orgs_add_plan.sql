-- 0010: orgs add plan
ALTER TABLE orgs
    ADD COLUMN plan text NOT NULL DEFAULT 'free'
        CHECK (plan IN ('free', 'team', 'enterprise'));
