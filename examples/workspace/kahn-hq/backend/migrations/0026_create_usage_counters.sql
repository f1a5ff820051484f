-- 0026: create usage counters
-- M6.3.1
CREATE TABLE usage_counters (
    org_id        text NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    period_start  date NOT NULL,
    metric        text NOT NULL,
    value         bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, period_start, metric)
);
