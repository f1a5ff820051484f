-- 0040: create rls coverage view
-- M7.7.1: what the audit-rls checkpoint reads.
CREATE VIEW rls_coverage AS
SELECT c.relname                                   AS table_name,
       c.relrowsecurity                            AS rls_enabled,
       c.relforcerowsecurity                       AS rls_forced,
       EXISTS (SELECT 1
                 FROM pg_attribute a
                WHERE a.attrelid = c.oid
                  AND a.attname = 'org_id'
                  AND NOT a.attisdropped)          AS has_org_id,
       COALESCE(array_agg(p.polname::text ORDER BY p.polname)
                    FILTER (WHERE p.polname IS NOT NULL),
                '{}')                              AS policies
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_policy p ON p.polrelid = c.oid
 WHERE n.nspname = 'public'
   AND c.relkind = 'r'
 GROUP BY c.oid, c.relname, c.relrowsecurity, c.relforcerowsecurity;

REVOKE ALL ON rls_coverage FROM kahn_app, kahn_service;
