"""A small synthetic results database, built with the recorder's own schema files, for tests.

The swarm: host 0 is a seed holding all PIECES pieces from t = 0; host 99 is a tracker; leechers
1..LEECHERS join at i/2 s and need 10 + i seconds to complete, except the last one, which never
completes and holds half the pieces at the end. Odd leechers are in group "crowd", even ones in
"free_riders"; leechers divisible by 3 are in bandwidth class "slow", the others "fast". Every
leecher uploads half of what it downloads, except free riders, which upload nothing. Samples and
availability rows are taken every second up to DURATION_S.
"""

import json
import os
import sqlite3
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA_FILES = [os.path.join(HERE, "..", "..", "record", name)
                for name in ("schema.sql", "indices.sql")]
PIECES = 16
PIECE_BYTES = 16384
LEECHERS = 12
DURATION_S = 30
NS = 1_000_000_000


def create_schema(connection):
    for name in SCHEMA_FILES:
        with open(name, encoding="utf-8") as schema:
            connection.executescript(schema.read())


def download_s(leecher):
    return None if leecher == LEECHERS else 10 + leecher


def pieces_at(leecher, time_s):
    elapsed = time_s - leecher / 2
    if elapsed < 0:
        return None
    duration = download_s(leecher)
    if duration is None:
        return min(PIECES // 2, int(elapsed))
    return min(PIECES, int(PIECES * elapsed / duration))


def insert_run(connection, scenario, seed, outcome):
    parameters = {"leechers": LEECHERS, "pieces": PIECES, "seed": seed}
    connection.execute(
        "INSERT INTO runs (scenario_name, scenario_text, seed, parameters, version, backend, "
        "piece_count, piece_length_bytes, total_size_bytes, sample_interval_ns, started_wall, "
        "finished_wall, duration_ns, trace_hash, outcome) VALUES "
        "(?, ?, ?, ?, '0.1.0', 'sim', ?, ?, ?, ?, '2024-01-01T00:00:00Z', "
        "'2024-01-01T00:00:05Z', ?, 'abc123', ?)",
        (scenario, f"[swarm]\nleechers = {LEECHERS}\n", str(seed), json.dumps(parameters),
         PIECES, PIECE_BYTES, PIECES * PIECE_BYTES, NS, DURATION_S * NS, outcome))
    return connection.execute("SELECT last_insert_rowid()").fetchone()[0]


def insert_hosts(connection, run_id):
    rows = [(run_id, 0, "seed", "seeds", "fast", PIECES, 0, None),
            (run_id, 99, "tracker", "trackers", "fast", 0, 0, None)]
    for leecher in range(1, LEECHERS + 1):
        group = "crowd" if leecher % 2 else "free_riders"
        bandwidth = "slow" if leecher % 3 == 0 else "fast"
        join_ns = leecher * NS // 2
        duration = download_s(leecher)
        complete_ns = None if duration is None else join_ns + duration * NS
        rows.append((run_id, leecher, "leecher", group, bandwidth, 0, join_ns, complete_ns))
    connection.executemany(
        "INSERT INTO hosts (run_id, host_id, role, group_name, bandwidth_class, initial_pieces, "
        "join_ns, complete_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)


def insert_samples(connection, run_id):
    for time_s in range(DURATION_S + 1):
        held = {0: PIECES}
        for leecher in range(1, LEECHERS + 1):
            pieces = pieces_at(leecher, time_s)
            if pieces is not None:
                held[leecher] = pieces
        for host, pieces in held.items():
            downloaded = 0 if host == 0 else pieces * PIECE_BYTES
            free_rider = host != 0 and host % 2 == 0
            uploaded = 0 if free_rider else downloaded // 2
            connection.execute(
                "INSERT INTO samples (run_id, host_id, time_ns, uploaded_bytes, downloaded_bytes, "
                "connections, pieces_have) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (run_id, host, time_s * NS, uploaded, downloaded, len(held) - 1, pieces))
        # Pieces are taken in index order, so piece p is held by every host with more than p.
        copies = [sum(1 for pieces in held.values() if pieces > piece) for piece in range(PIECES)]
        connection.execute(
            "INSERT INTO availability (run_id, time_ns, hosts_present, copies_min, copies_max, "
            "copies_mean, rarest_piece, pieces_at_min, copies) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (run_id, time_s * NS, len(held), min(copies), max(copies), sum(copies) / PIECES,
             copies.index(min(copies)), copies.count(min(copies)),
             struct.pack(f"<{PIECES}I", *copies)))


def build(path, runs=(("flash_crowd", 1),), outcome="completed"):
    """Writes a database at `path` holding one run per (scenario, seed)."""
    connection = sqlite3.connect(path)
    with connection:
        create_schema(connection)
    with connection:
        for scenario, seed in runs:
            run_id = insert_run(connection, scenario, seed, outcome)
            insert_hosts(connection, run_id)
            insert_samples(connection, run_id)
    connection.close()
    return path
