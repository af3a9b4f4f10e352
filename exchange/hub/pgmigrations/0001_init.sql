-- The hub's store on PostgreSQL, version 1: the same tables as the SQLite
-- hub, plus the row whose lock makes one writer at a time hand out
-- sequence numbers and delivery positions.
CREATE TABLE events (
	seq         bigint PRIMARY KEY,      -- the hub sequence number
	id          text NOT NULL UNIQUE,    -- the event's UUID: the idempotency key
	digest      bytea NOT NULL,          -- SHA-256 of the signing bytes: tells a resend from a replay
	author      text NOT NULL,
	device      text NOT NULL,
	hlc         text NOT NULL,
	kind        text NOT NULL,
	case_id     text NOT NULL,
	agency      text NOT NULL,
	shared_with text[] NOT NULL,
	payload     bytea NOT NULL,
	signature   bytea NOT NULL,
	conflict    boolean NOT NULL,        -- a status move the hub found in conflict
	desk        text NOT NULL,           -- the certificate common name of the desk that sent it
	received_ms bigint NOT NULL
);
CREATE INDEX events_case ON events(case_id, seq);
CREATE TABLE deliveries (
	pos       bigint PRIMARY KEY,        -- the cursor desks pull by; global, so gaps per agency are normal
	agency    text NOT NULL,
	event_seq bigint NOT NULL REFERENCES events(seq)
);
CREATE INDEX deliveries_agency ON deliveries(agency, pos);
CREATE TABLE cases (
	id          text PRIMARY KEY,
	owner       text NOT NULL,
	shared_with text[] NOT NULL,
	status      text NOT NULL,
	version     integer NOT NULL,
	conflict    boolean NOT NULL
);
-- One row. A writer locks it (SELECT ... FOR UPDATE) before anything else,
-- so batches commit one after another in sequence order, whichever hub
-- process writes them: no reader ever sees seq n+1 before n.
CREATE TABLE hub_counters (
	one      integer PRIMARY KEY CHECK (one = 1),
	last_seq bigint NOT NULL,
	last_pos bigint NOT NULL
);
INSERT INTO hub_counters VALUES (1, 0, 0);
