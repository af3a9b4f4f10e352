-- 0003: sync with the exchange hub. What the hub answered for each event
-- (its sequence number and conflict verdict, or its refusal), events parked
-- until the case they belong to arrives, and the pull cursor (in meta).
CREATE TABLE event_sync (
	event_id TEXT PRIMARY KEY REFERENCES events(id),
	state    TEXT NOT NULL CHECK (state IN ('stored', 'rejected')),
	seq      INTEGER NOT NULL, -- the hub's sequence number; 0 when rejected
	conflict INTEGER NOT NULL,
	code     TEXT NOT NULL,
	error    TEXT NOT NULL,
	at       INTEGER NOT NULL
) STRICT;
CREATE INDEX event_sync_state ON event_sync(state, at);

CREATE TABLE event_parked (
	event_id TEXT PRIMARY KEY REFERENCES events(id),
	case_id  TEXT NOT NULL
) STRICT;
CREATE INDEX event_parked_case ON event_parked(case_id);
