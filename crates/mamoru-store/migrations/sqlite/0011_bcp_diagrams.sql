-- Network and system diagrams attached to a facility's BCP (section ネットワーク構成図・
-- システム構成図; MHLW's BCP template 2.1.4 asks that they be kept current). Any file, kept
-- with its SHA-256, checked when read, and only ever served as a download.

CREATE TABLE bcp_diagrams (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations (id),
    facility_id INTEGER NOT NULL REFERENCES facilities (id),
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE INDEX bcp_diagrams_facility ON bcp_diagrams (org_id, facility_id);
