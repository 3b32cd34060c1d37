-- Foundation: organisations, facilities, the asset register, the contact chain,
-- accounts, sessions, API tokens and the append-only audit log.
-- Times are RFC 3339 UTC text with microseconds (they sort as text); dates are YYYY-MM-DD.

CREATE TABLE organizations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    require_totp BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL
);

CREATE TABLE facilities (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations (id),
    name TEXT NOT NULL,
    kind TEXT,
    beds INTEGER,
    prefecture INTEGER,
    operator TEXT NOT NULL,
    address TEXT,
    phone TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE parties (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations (id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    notes TEXT,
    UNIQUE (org_id, name)
);

CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations (id),
    party_id INTEGER REFERENCES parties (id) ON DELETE CASCADE,
    facility_id INTEGER REFERENCES facilities (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    title TEXT,
    role TEXT NOT NULL,
    phone TEXT,
    email TEXT,
    hours TEXT,
    sort_order INTEGER NOT NULL,
    notes TEXT
);
CREATE INDEX contacts_org ON contacts (org_id, facility_id);

CREATE TABLE assets (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations (id),
    facility_id INTEGER NOT NULL REFERENCES facilities (id),
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    vendor TEXT,
    product TEXT,
    version TEXT,
    cpe TEXT,
    ip TEXT,
    location TEXT,
    network_zone TEXT,
    internet_facing BOOLEAN NOT NULL,
    remote_maintenance BOOLEAN NOT NULL,
    no_active_scan BOOLEAN NOT NULL,
    owner TEXT,
    maintenance_vendor_id INTEGER REFERENCES parties (id) ON DELETE SET NULL,
    remote_vendor_id INTEGER REFERENCES parties (id) ON DELETE SET NULL,
    support_end TEXT,
    last_updated TEXT,
    notes TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (facility_id, name)
);
CREATE INDEX assets_org_facility ON assets (org_id, facility_id);
CREATE INDEX assets_org_category ON assets (org_id, category);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations (id),
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    totp_secret TEXT,
    totp_enabled BOOLEAN NOT NULL DEFAULT FALSE,
    totp_last_step INTEGER,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    last_login_at TEXT,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- A role at the organisation (facility_id NULL) or at one facility.
CREATE TABLE grants (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    facility_id INTEGER REFERENCES facilities (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX grants_unique ON grants (user_id, role, COALESCE(facility_id, 0));

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    verified BOOLEAN NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    ip TEXT,
    user_agent TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    expires_at TEXT,
    revoked_at TEXT
);

-- Append-only: the triggers below refuse UPDATE and DELETE. No foreign keys to the
-- records it describes, so it outlives them.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    org_id INTEGER REFERENCES organizations (id),
    at TEXT NOT NULL,
    actor_user_id INTEGER,
    actor TEXT NOT NULL,
    origin TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER,
    facility_id INTEGER,
    summary TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_log_org ON audit_log (org_id, id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- A register file uploaded for preview, kept until the user confirms or it expires.
CREATE TABLE pending_imports (
    token TEXT PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations (id),
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    content BLOB NOT NULL,
    created_at TEXT NOT NULL
);
