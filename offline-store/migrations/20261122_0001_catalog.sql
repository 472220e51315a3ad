-- The catalogs this device has, one document per region at the version it was synced at.
CREATE TABLE catalog (
    region_id    TEXT PRIMARY KEY,
    version      TEXT NOT NULL,
    catalog_json TEXT NOT NULL,
    synced_at    TEXT NOT NULL
) STRICT;

-- Small key/value facts about the device: preferences and the outcome of the last sync.
CREATE TABLE setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
