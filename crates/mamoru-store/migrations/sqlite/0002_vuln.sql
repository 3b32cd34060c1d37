-- Vulnerability management: advisories, CISA KEV, EPSS (public data shared by every
-- organisation), each organisation's findings and ranking policy, and a notification outbox.

CREATE TABLE advisories (
    id TEXT NOT NULL,
    source TEXT NOT NULL,
    modified TEXT,
    title TEXT,
    cvss REAL,
    -- The engine's JSON form of the record.
    body TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    PRIMARY KEY (id, source)
);

-- The (vendor, product) pairs of CPE names an advisory can match, so matching an asset
-- loads only the advisories that can concern it.
CREATE TABLE advisory_products (
    vendor TEXT NOT NULL,
    product TEXT NOT NULL,
    advisory_id TEXT NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (vendor, product, advisory_id, source)
);
CREATE INDEX advisory_products_advisory ON advisory_products (advisory_id, source);

CREATE TABLE kev (
    cve TEXT PRIMARY KEY,
    date_added TEXT NOT NULL,
    due_date TEXT,
    ransomware TEXT,
    vendor TEXT NOT NULL,
    product TEXT NOT NULL,
    name TEXT NOT NULL,
    required_action TEXT NOT NULL,
    imported_at TEXT NOT NULL
);

CREATE TABLE epss (
    cve TEXT PRIMARY KEY,
    score REAL NOT NULL,
    percentile REAL NOT NULL,
    score_date TEXT NOT NULL
);

CREATE TABLE feed_imports (
    id INTEGER PRIMARY KEY,
    file TEXT NOT NULL,
    format TEXT NOT NULL,
    records INTEGER NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL
);

CREATE TABLE vuln_policies (
    org_id INTEGER PRIMARY KEY REFERENCES organizations (id),
    p1_days INTEGER NOT NULL,
    p2_days INTEGER NOT NULL,
    p3_days INTEGER NOT NULL,
    p4_days INTEGER NOT NULL,
    p5_days INTEGER NOT NULL,
    epss_likely REAL NOT NULL,
    cvss_severe REAL NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE findings (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations (id),
    facility_id INTEGER NOT NULL REFERENCES facilities (id),
    asset_id INTEGER NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    vuln_id TEXT NOT NULL,
    advisory_id TEXT NOT NULL,
    source TEXT NOT NULL,
    confidence TEXT NOT NULL,
    why TEXT NOT NULL,
    why_ja TEXT NOT NULL,
    criteria TEXT NOT NULL,
    matched_version TEXT,
    kev BOOLEAN NOT NULL,
    ransomware BOOLEAN NOT NULL,
    epss REAL,
    cvss REAL,
    priority INTEGER NOT NULL,
    priority_reason TEXT NOT NULL,
    status TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    -- The Asia/Tokyo calendar day it was found (or re-opened): the due date counts from it.
    found_on TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    due TEXT NOT NULL,
    resolved_at TEXT,
    decision_reason TEXT,
    decision_expires TEXT,
    decided_by TEXT,
    decided_at TEXT,
    -- A digest of what the last match wrote, so a re-match rewrites only what changed.
    fingerprint TEXT NOT NULL,
    UNIQUE (asset_id, vuln_id)
);
CREATE INDEX findings_org ON findings (org_id, status, priority);

-- Messages to people (mail, webhook), written in the transaction that causes them and
-- delivered afterwards, so a crash between the two loses nothing.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations (id),
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    delivered_at TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
);
CREATE INDEX notifications_pending ON notifications (delivered_at, id);

ALTER TABLE organizations ADD COLUMN webhook_url TEXT;
