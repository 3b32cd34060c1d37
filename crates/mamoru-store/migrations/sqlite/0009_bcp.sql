-- The cyber-attack BCP per facility, after MHLW's template (医療情報システム部門等における
-- 事業継続計画(BCP)のひな形, 2024-06): its sections' text, the last review with who approved
-- it, per-system targets and fallbacks; and tabletop drills with their timeline, findings and
-- follow-up tasks. Checklist 3-③ asks for the BCP; 診療録管理体制加算1 for a drill a year.

CREATE TABLE bcp_plans (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations (id),
    facility_id INTEGER NOT NULL UNIQUE REFERENCES facilities (id),
    -- A JSON object: section code -> text.
    sections TEXT NOT NULL,
    -- The last review (approval); NULL while a draft.
    reviewed_on TEXT,
    approved_by TEXT,
    -- Counts saves, so a printed copy can be matched to its version.
    version INTEGER NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((reviewed_on IS NULL) = (approved_by IS NULL))
);

CREATE TABLE bcp_systems (
    org_id INTEGER NOT NULL REFERENCES organizations (id),
    facility_id INTEGER NOT NULL REFERENCES facilities (id),
    -- The system's name as the backup jobs and the register name it.
    system TEXT NOT NULL,
    -- Target recovery time (RTO) in minutes.
    rto_minutes INTEGER,
    risk TEXT NOT NULL,
    fallback TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (facility_id, system)
);

CREATE TABLE drills (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations (id),
    facility_id INTEGER NOT NULL REFERENCES facilities (id),
    scenario TEXT NOT NULL,
    held_on TEXT NOT NULL,
    participants TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX drills_facility ON drills (org_id, facility_id, held_on);

CREATE TABLE drill_entries (
    id INTEGER PRIMARY KEY,
    drill_id INTEGER NOT NULL REFERENCES drills (id) ON DELETE CASCADE,
    -- 'timeline' or 'finding'.
    kind TEXT NOT NULL,
    -- When in the drill, as written: 10:05, T+1h.
    at TEXT NOT NULL,
    body TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX drill_entries_drill ON drill_entries (drill_id);

CREATE TABLE drill_tasks (
    id INTEGER PRIMARY KEY,
    drill_id INTEGER NOT NULL REFERENCES drills (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    owner TEXT NOT NULL,
    due TEXT NOT NULL,
    done BOOLEAN NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX drill_tasks_drill ON drill_tasks (drill_id);
