-- Detection alerts: detections stored per facility, grouped so that a burst of events is
-- one alert; suppression rules that a false positive leaves behind; each organisation's
-- notification settings (alert threshold and rate, SMTP); mail beside the webhook.

-- A person's "this is not an attack" for a rule, optionally only on one computer or when
-- a matched field has one value. Detections it matches are counted here, not alerted on.
CREATE TABLE alert_suppressions (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations (id),
    -- NULL: every facility of the organisation.
    facility_id INTEGER REFERENCES facilities (id),
    rule_id TEXT NOT NULL,
    rule_title TEXT NOT NULL,
    computer TEXT,
    field TEXT,
    value TEXT,
    reason TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    hits INTEGER NOT NULL DEFAULT 0,
    last_hit_at TEXT
);
CREATE INDEX alert_suppressions_org ON alert_suppressions (org_id, rule_id);

CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations (id),
    facility_id INTEGER NOT NULL REFERENCES facilities (id),
    -- The Sigma rule's id (its title when it has none).
    rule_id TEXT NOT NULL,
    rule_title TEXT NOT NULL,
    level TEXT NOT NULL,
    -- 0 (informational) to 4 (critical): sorts and filters by severity.
    severity INTEGER NOT NULL,
    rule_file TEXT NOT NULL,
    -- The rule's tags as a JSON list (ATT&CK techniques).
    tags_json TEXT NOT NULL,
    computer TEXT NOT NULL,
    channel TEXT NOT NULL,
    event_id INTEGER,
    -- A digest of (facility, rule, computer): detections with the same key join an open
    -- alert seen within the organisation's window instead of opening a new one.
    group_key TEXT NOT NULL,
    -- Event times of the first and last detection grouped here.
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    count INTEGER NOT NULL,
    -- When it was stored and when a detection last joined it.
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    status TEXT NOT NULL,
    status_reason TEXT,
    decided_by TEXT,
    decided_at TEXT,
    suppression_id INTEGER REFERENCES alert_suppressions (id) ON DELETE SET NULL,
    -- The first detection's matched fields, as a JSON list of [field, value].
    details_json TEXT NOT NULL,
    -- The file or receiver it came from.
    origin TEXT,
    -- Whether a message is owed: pending, sent, held (over the hourly limit), digest.
    notify TEXT
);
CREATE INDEX alerts_group ON alerts (org_id, group_key, last_seen);
CREATE INDEX alerts_org ON alerts (org_id, status, severity);
CREATE INDEX alerts_notify ON alerts (notify, org_id);

CREATE TABLE notification_settings (
    org_id INTEGER PRIMARY KEY REFERENCES organizations (id),
    alert_min_level TEXT NOT NULL,
    alert_max_per_hour INTEGER NOT NULL,
    alert_window_minutes INTEGER NOT NULL,
    smtp_host TEXT,
    smtp_port INTEGER,
    smtp_security TEXT,
    smtp_username TEXT,
    -- Preferably the name of an environment variable holding the password; a stored
    -- password is the fallback for installations that cannot set one.
    smtp_password_env TEXT,
    smtp_password TEXT,
    smtp_from TEXT,
    -- Recipients, comma-separated.
    smtp_to TEXT,
    updated_at TEXT NOT NULL
);

-- Each channel is delivered once: a message posted to the webhook is not posted again when
-- only the mail failed and is retried.
ALTER TABLE notifications ADD COLUMN posted_at TEXT;
ALTER TABLE notifications ADD COLUMN mailed_at TEXT;
CREATE INDEX notifications_kind ON notifications (org_id, kind, created_at);
