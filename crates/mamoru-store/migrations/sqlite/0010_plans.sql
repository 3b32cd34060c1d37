-- Plans for management: the cost estimate's assumptions per facility (damage of one incident
-- against a year of measures), the roadmap's approvals (who approved the plan of gaps by
-- fiscal year, and when), and the facility's on-site inspection dates (立入検査: the last one
-- and the next one expected).

CREATE TABLE cost_assumptions (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations (id),
    facility_id INTEGER NOT NULL UNIQUE REFERENCES facilities (id) ON DELETE CASCADE,
    -- A JSON object: assumption key -> whole number; a key left out uses the default.
    assumptions TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE roadmap_approvals (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations (id),
    facility_id INTEGER NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
    fiscal_year INTEGER NOT NULL,
    -- Who approved (an executive, who may have no account) and on which day.
    approved_by TEXT NOT NULL,
    approved_on TEXT NOT NULL,
    note TEXT,
    -- The approved plan's gap keys (a JSON array), to tell whether the plan changed since.
    gap_keys TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX roadmap_approvals_facility ON roadmap_approvals (org_id, facility_id, id);

CREATE TABLE inspection_dates (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations (id),
    facility_id INTEGER NOT NULL UNIQUE REFERENCES facilities (id) ON DELETE CASCADE,
    last_on TEXT,
    next_on TEXT,
    note TEXT,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
