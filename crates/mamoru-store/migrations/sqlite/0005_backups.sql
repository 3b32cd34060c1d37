-- Backup jobs, one per protected system (電子カルテ, PACS, file server...), and the results of
-- every backup, offline copy, verify, restore test and retention run. A system's health is the
-- age of its last passed restore test, so results are kept, never overwritten.

CREATE TABLE backup_jobs (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations (id),
    facility_id INTEGER NOT NULL REFERENCES facilities (id),
    -- The system's name as the facility calls it, unique per facility.
    name TEXT NOT NULL,
    -- emr, pacs, departmental, file_server, accounting, other.
    kind TEXT NOT NULL,
    -- Needed to keep treating patients (MHLW asks these first).
    needed_for_care BOOLEAN NOT NULL,
    -- The system's asset in the register; an asset deleted later leaves the job unlinked.
    asset_id INTEGER REFERENCES assets (id) ON DELETE SET NULL,
    -- What is backed up: a JSON array of absolute paths.
    sources_json TEXT NOT NULL,
    -- The repository: an absolute path or an s3: location.
    repository TEXT NOT NULL,
    -- The path of a file holding the repository password, never the password itself: the
    -- database is copied into backups and exports and read by auditors, and a password kept
    -- beside the repositories' locations would hand an attacker who reads it every backup,
    -- offline copies included. The file stays on the machine that runs the jobs (mode 0600).
    password_file TEXT NOT NULL,
    -- The offline copy's repository and what makes it offline (removable, network, worm,
    -- object-lock, the backup engine's codes); both NULL when there is none.
    offline_repository TEXT,
    offline_kind TEXT,
    -- daily HH:MM, weekly DAY HH:MM (Japan time) or manual.
    schedule TEXT NOT NULL,
    -- Generations kept, in the engine's short form (daily=7,weekly=4,...); '' keeps all.
    retention TEXT NOT NULL,
    restore_max_age_days INTEGER NOT NULL,
    enabled BOOLEAN NOT NULL,
    -- The restore state an overdue alert was raised for (the last passed test's time, or
    -- 'never'), so an overdue test alerts once, not on every scheduler pass.
    overdue_alerted_for TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (org_id, facility_id, name)
);
CREATE INDEX backup_jobs_org ON backup_jobs (org_id, facility_id);

CREATE TABLE backup_results (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations (id),
    job_id INTEGER NOT NULL REFERENCES backup_jobs (id),
    -- backup, copy, verify, restore_test, forget.
    kind TEXT NOT NULL,
    -- schedule or manual (who started it is in recorded_by).
    cause TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    -- For a restore test, the measured recovery time.
    duration_ms INTEGER NOT NULL,
    ok BOOLEAN NOT NULL,
    snapshot_id TEXT,
    files INTEGER,
    bytes INTEGER,
    -- One line for a person (Japanese first); the error's text on failure.
    message TEXT NOT NULL,
    -- The engine's report (damaged packs, failed files, forgotten snapshots) as JSON.
    details_json TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX backup_results_job ON backup_results (org_id, job_id, kind, id);
