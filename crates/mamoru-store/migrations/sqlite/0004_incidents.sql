-- Incident cases: the record a facility keeps from the first hour of an attack to its
-- closing report — timeline, tasks, scope, evidence with its chain of custody, indicators,
-- the facts the breach reports need, and the reminders sent before each report deadline.

CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations (id),
    -- The facility mainly affected; others are in case_scope.
    facility_id INTEGER NOT NULL REFERENCES facilities (id),
    title TEXT NOT NULL,
    summary TEXT,
    severity TEXT NOT NULL,
    status TEXT NOT NULL,
    -- What it was opened from: manual, alert, finding (with that record's id).
    source_kind TEXT NOT NULL,
    source_id INTEGER,
    occurred_at TEXT,
    -- When any part of the organisation became aware: the APPI deadlines count from here.
    aware_at TEXT NOT NULL,
    -- The breach-report wizard's answers and what they decided, as JSON; NULL until run.
    appi_json TEXT,
    -- The report facts (overview, cause, ...) as a JSON object keyed by field.
    fields_json TEXT NOT NULL,
    opened_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    closed_at TEXT
);
CREATE INDEX cases_org ON cases (org_id, status, updated_at);
CREATE INDEX cases_source ON cases (org_id, source_kind, source_id);

-- The timeline: `at` is when it happened (may be back-dated), `written_at` when it was
-- written. Entries are never edited; a correction is a new entry.
CREATE TABLE case_entries (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations (id),
    case_id INTEGER NOT NULL REFERENCES cases (id),
    at TEXT NOT NULL,
    written_at TEXT NOT NULL,
    author TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    -- What the entry refers to: a checklist item key, a contact id, an evidence id.
    ref TEXT
);
CREATE INDEX case_entries_case ON case_entries (case_id, at);

CREATE TABLE case_tasks (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations (id),
    case_id INTEGER NOT NULL REFERENCES cases (id),
    title TEXT NOT NULL,
    owner TEXT,
    due_on TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    done_by TEXT,
    done_at TEXT
);
CREATE INDEX case_tasks_case ON case_tasks (case_id);

-- What the case touches beyond its facility: other facilities, assets of the register,
-- systems named in words (電子カルテ, PACS).
CREATE TABLE case_scope (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations (id),
    case_id INTEGER NOT NULL REFERENCES cases (id),
    kind TEXT NOT NULL,
    ref_id INTEGER,
    label TEXT NOT NULL
);
CREATE INDEX case_scope_case ON case_scope (case_id);

CREATE TABLE case_evidence (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations (id),
    case_id INTEGER NOT NULL REFERENCES cases (id),
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    note TEXT,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE INDEX case_evidence_case ON case_evidence (case_id);

-- Chain of custody: every hand that held an evidence file, append-only like the audit log.
CREATE TABLE case_custody (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations (id),
    evidence_id INTEGER NOT NULL REFERENCES case_evidence (id),
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    note TEXT
);
CREATE INDEX case_custody_evidence ON case_custody (evidence_id, at);
CREATE TRIGGER case_custody_no_update BEFORE UPDATE ON case_custody
BEGIN SELECT RAISE(ABORT, 'the chain of custody is append-only'); END;
CREATE TRIGGER case_custody_no_delete BEFORE DELETE ON case_custody
BEGIN SELECT RAISE(ABORT, 'the chain of custody is append-only'); END;

CREATE TABLE case_iocs (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations (id),
    case_id INTEGER NOT NULL REFERENCES cases (id),
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    note TEXT,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE INDEX case_iocs_case ON case_iocs (case_id);
CREATE INDEX case_iocs_org ON case_iocs (org_id);

-- One reminder per case, deadline and due date: a moved awareness time reminds again.
CREATE TABLE case_reminders (
    case_id INTEGER NOT NULL REFERENCES cases (id),
    deadline TEXT NOT NULL,
    due_on TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (case_id, deadline, due_on)
);
