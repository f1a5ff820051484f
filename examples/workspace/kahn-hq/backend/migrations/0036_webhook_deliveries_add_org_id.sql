-- 0036: webhook deliveries add org id
-- M7.4.1: deliveries carry their own org_id so RLS needs no join.
ALTER TABLE webhook_deliveries ADD COLUMN org_id text REFERENCES orgs (id) ON DELETE CASCADE;

UPDATE webhook_deliveries d
   SET org_id = w.org_id
  FROM webhooks w
 WHERE w.id = d.webhook_id
   AND d.org_id IS NULL;

ALTER TABLE webhook_deliveries ALTER COLUMN org_id SET NOT NULL;
CREATE INDEX webhook_deliveries_org_idx ON webhook_deliveries (org_id, created_at DESC);
