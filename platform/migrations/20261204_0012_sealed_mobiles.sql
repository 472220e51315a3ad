-- Mobile numbers are not kept in plain text: an account has the number's keyed hash (to
-- find it at sign-in), its masked form (to show) and the number sealed under the data key
-- (to hash it again after a key rotation). The platform seals the numbers already stored
-- at its next start, since SQL cannot compute the hash; `mobile` then holds a placeholder.
ALTER TABLE account ADD COLUMN mobile_lookup TEXT;
ALTER TABLE account ADD COLUMN mobile_masked TEXT;
ALTER TABLE account ADD COLUMN mobile_sealed BLOB;
CREATE UNIQUE INDEX account_by_mobile_lookup ON account (mobile_lookup);
-- Codes are keyed by the same hash from now on; the few live ones are simply dropped.
DELETE FROM sign_in_code;
