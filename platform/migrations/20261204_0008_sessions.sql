-- Sessions are ended per account ("sign out everywhere") and pruned once expired; codes
-- are pruned once expired too.
CREATE INDEX session_by_account ON session (account_id);
CREATE INDEX session_by_expiry ON session (expires_at);
CREATE INDEX sign_in_code_by_expiry ON sign_in_code (expires_at);
