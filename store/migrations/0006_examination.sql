-- 0006: examination under ACE-V. Conclusions name the search their candidate
-- came from; verifications and resolutions name the closing conclusion they
-- concern; the case keeps where its examination stands (a projection).
ALTER TABLE annotations ADD COLUMN concerns TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN examination TEXT NOT NULL DEFAULT '';
CREATE INDEX cases_examination ON cases(examination);

-- The candidate lists of the fingerprint searches run on this desk, so a
-- conclusion can only be about a candidate the search returned. Written with
-- the search's query-log entry; never leaves the desk.
CREATE TABLE identifications (
	id           TEXT PRIMARY KEY, -- the query-log entry's ID
	encounter_id TEXT NOT NULL,
	officer_id   TEXT NOT NULL,
	at           INTEGER NOT NULL,
	candidates   TEXT NOT NULL -- JSON: [{subject_id, score, band, fingers}]
) STRICT;
CREATE INDEX identifications_encounter ON identifications(encounter_id, at);
