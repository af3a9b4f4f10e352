-- Version 2: who owns each subject and encounter ID (the agency that first
-- wrote it), filled from the events already stored. A partner never rewrites
-- another agency's subject, and an encounter is recorded once.
CREATE TABLE records (
	id    text PRIMARY KEY,
	kind  text NOT NULL,
	owner text NOT NULL
);
INSERT INTO records(id, kind, owner)
	SELECT DISTINCT ON (rid) rid, kind, agency FROM (
		SELECT convert_from(payload, 'UTF8')::jsonb->>'ID' AS rid, kind, agency, seq
		FROM events WHERE kind IN ('subject.upserted', 'encounter.created')
	) r WHERE rid IS NOT NULL ORDER BY rid, seq
	ON CONFLICT DO NOTHING;
