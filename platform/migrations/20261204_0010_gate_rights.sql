-- Gate rights belong to the gate sign-in's session, not to the account: an ordinary
-- sign-in of the same number no longer carries them, and posts signed in before this
-- change must sign in again.
ALTER TABLE gate_post ADD COLUMN token_hash TEXT;
UPDATE gate_post SET token_hash = NULL;

-- The holder salts are never published again: they let anyone reverse the ID hash of the
-- passes that carried one. Nothing needs them.
UPDATE signing_key SET holder_salt = x'';

-- Orders kept a hash of each traveller's ID number (reversible with that salt): gone.
UPDATE booking_order SET travellers_json =
    (SELECT json_group_array(json_remove(value, '$.holder_hash'))
     FROM json_each(booking_order.travellers_json));
