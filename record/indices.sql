-- Indices of the events table for the standard queries: the events of one host, the events of one
-- kind. The recorder drops them while a run writes its events and builds them again when the run
-- ends: one sort at the end costs several times less than keeping them up to date row by row. A
-- file whose last run was cut short by a crash lacks them until the next run ends; queries still
-- work, only slower (or run this file with the sqlite3 shell: `.read record/indices.sql`).
CREATE INDEX IF NOT EXISTS events_by_host ON events (run_id, host_id, time_ns);
CREATE INDEX IF NOT EXISTS events_by_kind ON events (run_id, kind, time_ns);
