-- 0005: every field of a case is a projection of its events (cases.ProjectCase).
-- Each agency assigns its own officers: one assignee per agency. Annotations
-- say which subject they link or unlink and which earlier edit of the same
-- field they replaced; the projection marks edits that crossed and lost.
ALTER TABLE annotations ADD COLUMN subject_id TEXT NOT NULL DEFAULT '';
ALTER TABLE annotations ADD COLUMN replaces TEXT NOT NULL DEFAULT '';

CREATE TABLE case_assignees (
	case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	agency  TEXT NOT NULL,
	officer TEXT NOT NULL,
	PRIMARY KEY (case_id, agency)
) STRICT;
CREATE INDEX case_assignees_officer ON case_assignees(officer);
INSERT INTO case_assignees(case_id, agency, officer)
	SELECT id, owner_agency, assignee FROM cases WHERE assignee != '';

-- Rewritten by each projection of the case: not part of the append-only log.
CREATE TABLE annotation_overridden (
	annotation_id TEXT PRIMARY KEY,
	case_id       TEXT NOT NULL
) STRICT;
CREATE INDEX annotation_overridden_case ON annotation_overridden(case_id);

CREATE INDEX events_case ON events(case_id, seq);

-- Events received from the exchange that this desk cannot apply (a payload
-- that does not decode, a rule broken, a collision): kept with the reason,
-- never applied, and the pull goes on past them.
CREATE TABLE event_quarantine (
	event_id TEXT PRIMARY KEY,
	seq      INTEGER NOT NULL, -- the hub's sequence number
	author   TEXT NOT NULL,
	agency   TEXT NOT NULL,
	kind     TEXT NOT NULL,
	case_id  TEXT NOT NULL,
	hlc      TEXT NOT NULL,
	payload  BLOB NOT NULL,
	reason   TEXT NOT NULL,
	at       INTEGER NOT NULL
) STRICT;
