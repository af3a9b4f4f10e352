-- The login log: every login, failed login, refused attempt, lockout and
-- session lock of the desk's officers, at the workstation and in the tools
-- (cases.LoginRecord). Append-only, like the query log's purpose: auditors
-- read it, and the lockout is counted from it.
CREATE TABLE logins (
	id         TEXT PRIMARY KEY,
	officer_id TEXT NOT NULL,
	agency     TEXT NOT NULL,
	at         INTEGER NOT NULL,
	kind       TEXT NOT NULL,
	via        TEXT NOT NULL,
	detail     TEXT NOT NULL
) STRICT;
CREATE INDEX logins_officer ON logins(officer_id, at);
CREATE INDEX logins_at ON logins(at);
CREATE TRIGGER logins_append_only_update BEFORE UPDATE ON logins
BEGIN SELECT RAISE(ABORT, 'the login log is append-only'); END;
CREATE TRIGGER logins_append_only_delete BEFORE DELETE ON logins
BEGIN SELECT RAISE(ABORT, 'the login log is append-only'); END;
