-- Readiness: a facility's answers to MHLW's cybersecurity checklist, per fiscal year, edition,
-- sheet and item. 医療機関確認用 rows have no party; 事業者確認用 rows name the vendor that
-- answered for its own systems. An answer is replaced when answered again; the audit log keeps
-- every earlier one.

CREATE TABLE readiness_answers (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations (id),
    facility_id INTEGER NOT NULL REFERENCES facilities (id),
    -- The fiscal year (April to March) named by the year it starts in: 2025 = 令和7年度.
    fiscal_year INTEGER NOT NULL,
    -- The edition's id, e.g. fy2025 (the data file it comes from).
    edition TEXT NOT NULL,
    sheet TEXT NOT NULL CHECK (sheet IN ('facility', 'vendor')),
    party_id INTEGER REFERENCES parties (id),
    item_id TEXT NOT NULL,
    answer TEXT NOT NULL CHECK (answer IN ('yes', 'no')),
    confirmed_on TEXT NOT NULL,
    -- For いいえ, the day the measure will be in place (within the fiscal year).
    target_on TEXT,
    note TEXT,
    answered_by TEXT NOT NULL,
    answered_by_user INTEGER REFERENCES users (id),
    answered_at TEXT NOT NULL,
    -- What the evidence rule proposed when the person answered: yes, no or unknown, with its
    -- reason and evidence lines (a JSON array); NULL for items no rule answers.
    proposed TEXT CHECK (proposed IN ('yes', 'no', 'unknown')),
    proposed_reason TEXT,
    proposed_evidence TEXT,
    CHECK (answer = 'yes' OR target_on IS NOT NULL),
    CHECK ((sheet = 'facility') = (party_id IS NULL))
);
CREATE UNIQUE INDEX readiness_answers_key
    ON readiness_answers (facility_id, fiscal_year, edition, sheet, COALESCE(party_id, 0), item_id);
CREATE INDEX readiness_answers_org ON readiness_answers (org_id, facility_id, fiscal_year);
