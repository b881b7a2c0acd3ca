-- The swarmlab results database, schema version 1 (docs/results.md explains every column).
-- Times are integer nanoseconds since the start of the run (simulated time in the simulator);
-- sizes are bytes; capacities are bytes per second. One file holds any number of runs.

-- One row per run.
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  scenario_name TEXT NOT NULL,
  scenario_text TEXT NOT NULL,
  -- Decimal text: seeds are unsigned 64-bit numbers, wider than SQLite's signed integers.
  seed TEXT NOT NULL,
  parameters TEXT NOT NULL CHECK (json_valid(parameters)),
  version TEXT NOT NULL,
  backend TEXT NOT NULL CHECK (backend IN ('sim', 'real')),
  piece_count INTEGER NOT NULL CHECK (piece_count >= 0),
  piece_length_bytes INTEGER NOT NULL CHECK (piece_length_bytes >= 0),
  total_size_bytes INTEGER NOT NULL CHECK (total_size_bytes >= 0),
  sample_interval_ns INTEGER CHECK (sample_interval_ns > 0),
  -- Wall-clock times (UTC, ISO 8601): metadata only.
  started_wall TEXT NOT NULL,
  finished_wall TEXT,
  duration_ns INTEGER CHECK (duration_ns >= 0),
  trace_hash TEXT,
  rows_hash TEXT,
  outcome TEXT NOT NULL
    CHECK (outcome IN ('running', 'completed', 'time_limit', 'failed', 'interrupted')),
  outcome_detail TEXT
);

-- One row per host of a run (peers, trackers, DHT nodes).
CREATE TABLE hosts (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  host_id INTEGER NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('seed', 'leecher', 'tracker', 'dht')),
  group_name TEXT NOT NULL,
  bandwidth_class TEXT NOT NULL,
  -- NULL: unlimited.
  upload_bytes_per_second INTEGER CHECK (upload_bytes_per_second >= 0),
  download_bytes_per_second INTEGER CHECK (download_bytes_per_second >= 0),
  address TEXT,
  -- Pieces held when the host first joined.
  initial_pieces INTEGER,
  join_ns INTEGER,
  leave_ns INTEGER,
  complete_ns INTEGER,
  PRIMARY KEY (run_id, host_id)
) WITHOUT ROWID;

-- What hosts did, in the order they did it (rowid order is report order).
CREATE TABLE events (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  time_ns INTEGER NOT NULL,
  -- NULL for world events that concern no single host.
  host_id INTEGER,
  kind TEXT NOT NULL,
  -- The other end: its host id when known, else its address (or a tracker URL).
  remote_host_id INTEGER,
  remote_address TEXT,
  piece INTEGER,
  offset_bytes INTEGER,
  length_bytes INTEGER,
  peer_count INTEGER,
  extra TEXT
);
-- Its indices are in record/indices.sql.

-- Per-host counters taken every sampling interval (and when a host leaves).
CREATE TABLE samples (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  host_id INTEGER NOT NULL,
  time_ns INTEGER NOT NULL,
  uploaded_bytes INTEGER NOT NULL CHECK (uploaded_bytes >= 0),
  downloaded_bytes INTEGER NOT NULL CHECK (downloaded_bytes >= 0),
  connections INTEGER NOT NULL CHECK (connections >= 0),
  pieces_have INTEGER NOT NULL CHECK (pieces_have >= 0),
  unchoked_peers INTEGER CHECK (unchoked_peers >= 0),
  PRIMARY KEY (run_id, host_id, time_ns)
) WITHOUT ROWID;

-- Piece availability every sampling interval: how many present hosts hold each piece.
CREATE TABLE availability (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  time_ns INTEGER NOT NULL,
  hosts_present INTEGER NOT NULL,
  copies_min INTEGER NOT NULL,
  copies_max INTEGER NOT NULL,
  copies_mean REAL NOT NULL,
  -- The lowest-numbered piece with copies_min copies, and how many pieces have that few.
  rarest_piece INTEGER,
  pieces_at_min INTEGER NOT NULL,
  -- Copies of every piece: piece_count little-endian unsigned 32-bit integers (NULL if disabled).
  copies BLOB,
  UNIQUE (run_id, time_ns)
);

-- Download time of every leecher that completed, in seconds.
CREATE VIEW download_times AS
SELECT run_id, host_id, group_name, bandwidth_class,
       (complete_ns - join_ns) / 1e9 AS download_s
FROM hosts
WHERE role = 'leecher' AND complete_ns IS NOT NULL AND join_ns IS NOT NULL;

-- 'SWLB': marks the file as a swarmlab results database.
PRAGMA application_id = 1398230082;
PRAGMA user_version = 1;
