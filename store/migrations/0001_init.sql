-- 0001: the walking skeleton: directory, subjects, encounters, cases,
-- annotations, the append-only event log and the query log.
-- Times are INTEGER milliseconds since the Unix epoch, UTC; 0 means "none".

CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT;

CREATE TABLE agencies (
	code    TEXT PRIMARY KEY,
	name    TEXT NOT NULL,
	country TEXT NOT NULL
) STRICT;

CREATE TABLE officers (
	id     TEXT PRIMARY KEY,
	name   TEXT NOT NULL,
	agency TEXT NOT NULL REFERENCES agencies(code),
	roles  TEXT NOT NULL -- comma-separated cases.Role values
) STRICT;

CREATE TABLE subjects (
	id            TEXT PRIMARY KEY,
	given         TEXT NOT NULL, -- given names separated by single spaces
	paternal      TEXT NOT NULL,
	maternal      TEXT NOT NULL,
	dob           TEXT NOT NULL, -- cases.PartialDate text: "", YYYY, YYYY-MM, YYYY-MM-DD
	sex           TEXT NOT NULL,
	nationalities TEXT NOT NULL, -- comma-separated ISO 3166-1 alpha-3
	category      TEXT NOT NULL,
	gang          TEXT NOT NULL,
	legal_status  TEXT NOT NULL,
	owner_agency  TEXT NOT NULL REFERENCES agencies(code),
	created       INTEGER NOT NULL,
	updated       INTEGER NOT NULL
) STRICT;

CREATE TABLE subject_aliases (
	subject_id TEXT NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
	ord        INTEGER NOT NULL,
	name       TEXT NOT NULL,
	moniker    INTEGER NOT NULL,
	PRIMARY KEY (subject_id, ord)
) STRICT;

CREATE TABLE subject_documents (
	subject_id TEXT NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
	ord        INTEGER NOT NULL,
	kind       TEXT NOT NULL,
	number     TEXT NOT NULL, -- normalised: upper case, no spaces or dashes
	country    TEXT NOT NULL,
	PRIMARY KEY (subject_id, ord)
) STRICT;
CREATE INDEX subject_documents_number ON subject_documents(number);

CREATE TABLE subject_fingerprints (
	subject_id TEXT NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
	position   INTEGER NOT NULL CHECK (position BETWEEN 1 AND 10),
	format     TEXT NOT NULL,
	template   BLOB NOT NULL,
	PRIMARY KEY (subject_id, position)
) STRICT;

CREATE TABLE encounters (
	id            TEXT PRIMARY KEY,
	at            INTEGER NOT NULL,
	place         TEXT NOT NULL,
	officer_id    TEXT NOT NULL,
	agency        TEXT NOT NULL,
	notes         TEXT NOT NULL,
	source_file   TEXT NOT NULL,
	source_sha256 TEXT NOT NULL
) STRICT;

CREATE TABLE encounter_fingerprints (
	encounter_id TEXT NOT NULL REFERENCES encounters(id) ON DELETE CASCADE,
	position     INTEGER NOT NULL CHECK (position BETWEEN 0 AND 10),
	format       TEXT NOT NULL,
	template     BLOB NOT NULL,
	PRIMARY KEY (encounter_id, position)
) STRICT;

CREATE TABLE cases (
	id           TEXT PRIMARY KEY,
	title        TEXT NOT NULL,
	status       TEXT NOT NULL,
	priority     INTEGER NOT NULL,
	owner_agency TEXT NOT NULL,
	shared_with  TEXT NOT NULL, -- comma-separated agency codes
	assignee     TEXT NOT NULL,
	created      INTEGER NOT NULL,
	updated      INTEGER NOT NULL,
	due          INTEGER NOT NULL,
	encounter_id TEXT NOT NULL,
	version      INTEGER NOT NULL, -- status moves accepted so far
	conflict     INTEGER NOT NULL,
	title_hlc    TEXT NOT NULL, -- last-writer-wins stamps of the simple fields
	priority_hlc TEXT NOT NULL,
	due_hlc      TEXT NOT NULL
) STRICT;
CREATE INDEX cases_assignee ON cases(assignee);
CREATE INDEX cases_status ON cases(status);

CREATE TABLE case_subjects (
	case_id    TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	subject_id TEXT NOT NULL,
	PRIMARY KEY (case_id, subject_id)
) STRICT;
CREATE INDEX case_subjects_subject ON case_subjects(subject_id);

-- Annotations are append-only: an edit is a new row that supersedes the old.
CREATE TABLE annotations (
	id           TEXT PRIMARY KEY,
	case_id      TEXT NOT NULL REFERENCES cases(id),
	kind         TEXT NOT NULL,
	author       TEXT NOT NULL,
	at           INTEGER NOT NULL,
	text         TEXT NOT NULL,
	supersedes   TEXT NOT NULL,
	from_status  TEXT NOT NULL,
	to_status    TEXT NOT NULL,
	base_version INTEGER NOT NULL,
	assignee     TEXT NOT NULL,
	priority     INTEGER NOT NULL,
	decision     TEXT NOT NULL, -- JSON of cases.Decision, "" if none
	event_id     TEXT NOT NULL
) STRICT;
CREATE INDEX annotations_case ON annotations(case_id, at);
CREATE TRIGGER annotations_append_only_update BEFORE UPDATE ON annotations
BEGIN SELECT RAISE(ABORT, 'annotations are append-only'); END;
CREATE TRIGGER annotations_append_only_delete BEFORE DELETE ON annotations
BEGIN SELECT RAISE(ABORT, 'annotations are append-only'); END;

-- The local event log: every change to the store is written with its event in
-- the same transaction. Append-only; acknowledgements live beside it.
CREATE TABLE events (
	seq         INTEGER PRIMARY KEY AUTOINCREMENT,
	id          TEXT NOT NULL UNIQUE,
	author      TEXT NOT NULL,
	device      TEXT NOT NULL,
	hlc         TEXT NOT NULL,
	kind        TEXT NOT NULL,
	case_id     TEXT NOT NULL,
	agency      TEXT NOT NULL,
	shared_with TEXT NOT NULL,
	payload     BLOB NOT NULL,
	signature   BLOB NOT NULL,
	origin      TEXT NOT NULL CHECK (origin IN ('local', 'remote', 'seed'))
) STRICT;
CREATE INDEX events_origin ON events(origin, seq);
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;

-- The trace of every search (agreement Art. 15).
CREATE TABLE query_log (
	id           TEXT PRIMARY KEY,
	officer_id   TEXT NOT NULL,
	agency       TEXT NOT NULL,
	at           INTEGER NOT NULL,
	kind         TEXT NOT NULL,
	query        TEXT NOT NULL,
	purpose      TEXT NOT NULL,
	purpose_text TEXT NOT NULL,
	results      INTEGER NOT NULL
) STRICT;
CREATE INDEX query_log_at ON query_log(at);
