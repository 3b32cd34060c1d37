-- Vendor sheets: the 事業者確認用 of MHLW's checklist sent to each vendor of a medical
-- information system as a link with a one-time token (no account), and the vendors' MDS/SDS
-- disclosure sheets. Only the token's SHA-256 is kept: the link is shown once, when made.
-- The answers themselves go to readiness_answers (sheet 'vendor', party_id = the vendor).

CREATE TABLE vendor_sheet_requests (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations (id),
    facility_id INTEGER NOT NULL REFERENCES facilities (id),
    party_id INTEGER NOT NULL REFERENCES parties (id) ON DELETE CASCADE,
    -- The fiscal year (April to March) named by the year it starts in: 2025 = 令和7年度.
    fiscal_year INTEGER NOT NULL,
    edition TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    -- Set once, when the vendor sends its answers: the link works no more.
    used_at TEXT,
    -- The name the vendor typed, with （事業者）.
    answered_by TEXT,
    CHECK ((used_at IS NULL) = (answered_by IS NULL))
);
CREATE INDEX vendor_sheet_requests_org ON vendor_sheet_requests (org_id, facility_id, fiscal_year);

-- 製造業者/サービス事業者による医療情報セキュリティ開示書 (MDS/SDS) per vendor; the bytes live
-- in the database beside the record, with their SHA-256 (checked again on every read).
CREATE TABLE vendor_attachments (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations (id),
    party_id INTEGER NOT NULL REFERENCES parties (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('mds', 'sds')),
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE INDEX vendor_attachments_party ON vendor_attachments (org_id, party_id);
