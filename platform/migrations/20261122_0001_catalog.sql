-- A region's catalog as loaded from its data file. The data file is the source of truth;
-- the platform replaces a region's rows whenever it loads a changed file.
CREATE TABLE region (
    id              TEXT PRIMARY KEY,
    name_zh         TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    demo            INTEGER NOT NULL,
    catalog_version TEXT NOT NULL,
    catalog_json    TEXT NOT NULL,
    loaded_at       TEXT NOT NULL
) STRICT;

-- One row per bookable or visitable thing, so later modules can check ids and names
-- without parsing the catalog document.
CREATE TABLE catalog_item (
    region_id TEXT NOT NULL REFERENCES region(id) ON DELETE CASCADE,
    kind      TEXT NOT NULL,
    id        TEXT NOT NULL,
    name_zh   TEXT NOT NULL,
    name_en   TEXT NOT NULL,
    PRIMARY KEY (region_id, kind, id)
) STRICT;
