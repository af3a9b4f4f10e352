-- 0007: the agreement's exchange. References are how in-scope subjects reach
-- the partner (number, owner, category, prints; no personal data); follow-up
-- requests ask the owner for core data; disclosures carry it. Rows are kept
-- by apply from their events, on both sides.
CREATE TABLE refs (
	number       TEXT PRIMARY KEY,
	owner_agency TEXT NOT NULL,
	category     TEXT NOT NULL,
	withdrawn    INTEGER NOT NULL DEFAULT 0,
	published    INTEGER NOT NULL,
	event_id     TEXT NOT NULL
) STRICT;
CREATE INDEX refs_owner ON refs(owner_agency);

CREATE TABLE ref_fingerprints (
	number   TEXT NOT NULL REFERENCES refs(number) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	format   TEXT NOT NULL,
	template BLOB NOT NULL,
	PRIMARY KEY (number, position)
) STRICT;

CREATE TABLE followups (
	id                TEXT PRIMARY KEY,
	reference         TEXT NOT NULL,
	owner_agency      TEXT NOT NULL,
	requesting_agency TEXT NOT NULL,
	requested_by      TEXT NOT NULL,
	case_id           TEXT NOT NULL,
	purpose           TEXT NOT NULL,
	purpose_text      TEXT NOT NULL,
	reason            TEXT NOT NULL,
	made              INTEGER NOT NULL, -- the request's own stamp (ms)
	received          INTEGER NOT NULL DEFAULT 0, -- when the hub received it (ms); 0 until known
	status            TEXT NOT NULL DEFAULT 'pending',
	answered          INTEGER NOT NULL DEFAULT 0,
	answered_by       TEXT NOT NULL DEFAULT '',
	decline_reason    TEXT NOT NULL DEFAULT '',
	disclosure_id     TEXT NOT NULL DEFAULT '',
	event_id          TEXT NOT NULL
) STRICT;
CREATE INDEX followups_event ON followups(event_id);

CREATE TABLE disclosures (
	id           TEXT PRIMARY KEY,
	request_id   TEXT NOT NULL,
	reference    TEXT NOT NULL,
	owner_agency TEXT NOT NULL,
	to_agency    TEXT NOT NULL,
	category     TEXT NOT NULL,
	fields       TEXT NOT NULL,
	data         TEXT NOT NULL, -- JSON of cases.CoreData
	disclosed_by TEXT NOT NULL,
	at           INTEGER NOT NULL,
	event_id     TEXT NOT NULL
) STRICT;
CREATE INDEX disclosures_reference ON disclosures(reference);
