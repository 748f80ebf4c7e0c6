-- Events carry a license key only as its fingerprint (contract v2 of LicenseIssued, LicenseKeyReset,
-- ValueClaimed): read models keep no live key either. The fingerprint is domain/history.py's:
-- 'sha256:' and the first 16 hex digits of the key's SHA-256.
ALTER TABLE license_tab ADD COLUMN key_fingerprint text NOT NULL DEFAULT '';
UPDATE license_tab SET key_fingerprint = 'sha256:' || left(encode(sha256(convert_to(license_key, 'UTF8')), 'hex'), 16)
 WHERE license_key <> '';
DROP INDEX license_tab_by_key;
ALTER TABLE license_tab DROP COLUMN license_key;
CREATE INDEX license_tab_by_key_fingerprint ON license_tab (key_fingerprint);

-- Audit entries recorded before: the same fields as the v2 contract now gives. Their hashes were computed
-- over the key, so `portal rebuild audit_trail` re-chains them (README, "Upgrading").
UPDATE audit_trail
   SET body = (body - 'key') || jsonb_build_object('key_fingerprint',
              'sha256:' || left(encode(sha256(convert_to(body->>'key', 'UTF8')), 'hex'), 16))
 WHERE event_type IN ('LicenseIssued', 'LicenseKeyReset') AND body ? 'key';
UPDATE audit_trail
   SET body = jsonb_set(body, '{value}', to_jsonb(
              'sha256:' || left(encode(sha256(convert_to(body->>'value', 'UTF8')), 'hex'), 16)))
 WHERE event_type = 'ValueClaimed' AND body->>'kind' = 'license_key' AND body->>'value' NOT LIKE 'sha256:%';
