-- The guide packs this device has, one per region, kept whole so every guide screen works
-- with no network. Not personal: kept as sent, not sealed.
CREATE TABLE guide_pack (
    region_id     TEXT PRIMARY KEY,
    version       TEXT NOT NULL,
    pack_json     TEXT NOT NULL,
    downloaded_at TEXT NOT NULL
) STRICT;
