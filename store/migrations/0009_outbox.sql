-- The outbox: the desk's own events the hub has not answered yet (neither
-- stored nor refused), by their place in the log. Triggers keep it: an
-- event made on this desk enters it, the hub's answer (a row of event_sync)
-- takes it out. A sync round and the status bar read it instead of
-- checking every local event against event_sync, which read the whole
-- event log (tens of megabytes on a demo desk) each time.
CREATE TABLE event_outbox (
	seq      INTEGER PRIMARY KEY, -- events.seq
	event_id TEXT NOT NULL UNIQUE
) STRICT;
INSERT INTO event_outbox(seq, event_id)
	SELECT e.seq, e.id FROM events e
	WHERE e.origin = 'local' AND NOT EXISTS (SELECT 1 FROM event_sync x WHERE x.event_id = e.id);
CREATE TRIGGER events_outbox AFTER INSERT ON events WHEN NEW.origin = 'local'
	AND NOT EXISTS (SELECT 1 FROM event_sync x WHERE x.event_id = NEW.id)
BEGIN INSERT INTO event_outbox(seq, event_id) VALUES (NEW.seq, NEW.id); END;
CREATE TRIGGER event_sync_outbox AFTER INSERT ON event_sync
BEGIN DELETE FROM event_outbox WHERE event_id = NEW.event_id; END;
CREATE TRIGGER event_sync_outbox_back AFTER DELETE ON event_sync
BEGIN
	INSERT OR IGNORE INTO event_outbox(seq, event_id)
		SELECT e.seq, e.id FROM events e WHERE e.id = OLD.event_id AND e.origin = 'local';
END;
