-- Training: the facility's security manager (医療情報システム安全管理責任者), the yearly
-- information-security training sessions, who attended and their quiz score. The checklist's
-- 1-① asks for the manager; 診療録管理体制加算 asks hospitals of 200 beds or more for a
-- dedicated one who trains staff about once a year.

CREATE TABLE security_managers (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations (id),
    facility_id INTEGER NOT NULL UNIQUE REFERENCES facilities (id),
    -- A Mamoru user, or a person named here (an executive without an account).
    user_id INTEGER REFERENCES users (id),
    name TEXT,
    -- 専任 (dedicated) rather than 兼任.
    dedicated BOOLEAN NOT NULL,
    appointed_on TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    CHECK ((user_id IS NULL) <> (name IS NULL))
);

CREATE TABLE training_sessions (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations (id),
    facility_id INTEGER NOT NULL REFERENCES facilities (id),
    held_on TEXT NOT NULL,
    title TEXT NOT NULL,
    -- The material: a link, or a file kept here (never both).
    material_url TEXT,
    material_name TEXT,
    material_type TEXT,
    material BLOB,
    -- The quiz as a JSON array of {text, choices, correct}.
    quiz TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    CHECK (material_url IS NULL OR material IS NULL),
    CHECK ((material IS NULL) = (material_name IS NULL))
);
CREATE INDEX training_sessions_facility ON training_sessions (org_id, facility_id, held_on);

CREATE TABLE training_attendance (
    session_id INTEGER NOT NULL REFERENCES training_sessions (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id),
    -- Correct quiz answers; NULL when the quiz was not taken.
    score INTEGER,
    PRIMARY KEY (session_id, user_id)
);
CREATE INDEX training_attendance_user ON training_attendance (user_id);
