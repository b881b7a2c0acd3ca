"""Reading swarmlab results databases into pandas DataFrames.

A results database holds any number of runs (docs/results.md). `load_runs` opens one file
read-only, checks that it is a swarmlab database of a schema version this code reads, and returns
one `Run` per run in it; the other functions derive the tables the figures plot.
"""

import dataclasses
import json
import os
import sqlite3

import numpy as np
import pandas as pd

# PRAGMA application_id of a swarmlab results database ('SWLB') and the schema version read here.
APPLICATION_ID = 0x53574C42
SCHEMA_VERSION = 1
NS_PER_S = 1e9


class DatabaseError(Exception):
    """A file that cannot be read as a swarmlab results database; the message names it."""


@dataclasses.dataclass
class Run:
    path: str
    run_id: int
    label: str
    info: dict
    hosts: pd.DataFrame
    samples: pd.DataFrame
    availability: pd.DataFrame

    @property
    def piece_count(self):
        return int(self.info["piece_count"])

    @property
    def parameters(self):
        try:
            return json.loads(self.info["parameters"])
        except (TypeError, ValueError):
            return {}


def open_database(path):
    """Opens `path` read-only after checking that it is a swarmlab results database."""
    if not os.path.exists(path):
        raise DatabaseError(f"{path}: no such file")
    if not os.path.isfile(path):
        raise DatabaseError(f"{path}: not a file")
    uri = "file:" + os.path.abspath(path).replace("?", "%3f").replace("#", "%23") + "?mode=ro"
    try:
        connection = sqlite3.connect(uri, uri=True)
        application_id = connection.execute("PRAGMA application_id").fetchone()[0]
        version = connection.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise DatabaseError(f"{path}: not a SQLite database ({error})") from None
    if application_id != APPLICATION_ID:
        connection.close()
        raise DatabaseError(f"{path}: not a swarmlab results database")
    if version != SCHEMA_VERSION:
        connection.close()
        raise DatabaseError(
            f"{path}: results schema version {version}, this report reads version {SCHEMA_VERSION}")
    return connection


# Every sample of a run, each marked `departure` when its host wrote it as it left (at that
# instant a `left` event names the host): the tick samples and the run's last are snapshots of the
# whole swarm, a departure sample is one host's final counters.
SAMPLES_QUERY = """
SELECT s.*, EXISTS (SELECT 1 FROM events AS e
                    WHERE e.run_id = s.run_id AND e.host_id = s.host_id
                      AND e.time_ns = s.time_ns AND e.kind = 'left') AS departure
FROM samples AS s WHERE s.run_id = ? ORDER BY s.time_ns, s.host_id
"""


def default_label(info):
    return f"{info['scenario_name']} seed {info['seed']}"


def load_runs(path, label=None):
    """Every run of the database at `path`, oldest first.

    `label` names the runs in legends (suffixed with the run id when the file holds several);
    without it a run is called "<scenario> seed <seed>".
    """
    connection = open_database(path)
    try:
        runs = pd.read_sql("SELECT * FROM runs ORDER BY id", connection)
        if runs.empty:
            raise DatabaseError(f"{path}: holds no runs")
        loaded = []
        for info in runs.to_dict("records"):
            run_id = int(info["id"])
            if label is None:
                run_label = default_label(info)
            else:
                run_label = label if len(runs) == 1 else f"{label} run {run_id}"
            loaded.append(Run(
                path=path, run_id=run_id, label=run_label, info=info,
                hosts=pd.read_sql("SELECT * FROM hosts WHERE run_id = ? ORDER BY host_id",
                                  connection, params=(run_id,)),
                samples=pd.read_sql(SAMPLES_QUERY, connection, params=(run_id,)),
                availability=pd.read_sql(
                    "SELECT * FROM availability WHERE run_id = ? ORDER BY time_ns",
                    connection, params=(run_id,))))
        return loaded
    except (sqlite3.DatabaseError, pd.errors.DatabaseError) as error:
        raise DatabaseError(f"{path}: cannot read ({error})") from None
    finally:
        connection.close()


def make_labels_unique(runs):
    """Appends the run id, then the file name, to labels that several runs share."""
    for suffix in (lambda run: f" #{run.run_id}",
                   lambda run: f" [{os.path.basename(run.path)}]"):
        counts = pd.Series([run.label for run in runs]).value_counts()
        for run in runs:
            if counts[run.label] > 1:
                run.label += suffix(run)


def peers(run):
    """The hosts that hold pieces: seeds and leechers."""
    return run.hosts[run.hosts["role"].isin(["seed", "leecher"])]


def completion_times(run):
    """One row per leecher: group, bandwidth class and download time in seconds (NaN if the
    leecher never completed)."""
    leechers = run.hosts[run.hosts["role"] == "leecher"].copy()
    leechers["download_s"] = (leechers["complete_ns"] - leechers["join_ns"]) / NS_PER_S
    return leechers[["host_id", "group_name", "bandwidth_class", "download_s"]]


def snapshot_samples(run):
    """The samples that are snapshots of the whole swarm: those of the sampling ticks and of the
    run's end. A host that leaves also writes a sample as it goes, and it would count at its
    instant as a peer that is no longer there (a swarm of one between ticks, an extra peer when it
    leaves on a tick)."""
    samples = run.samples
    return samples[samples["departure"] == 0]


def swarm_progress(run):
    """Per sampling tick: peers present, seeds (peers holding every piece), leechers, and the
    share complete (pieces held over pieces that the present peers would hold when complete)."""
    columns = ["time_s", "peers", "seeds", "leechers", "share_complete"]
    peer_ids = set(peers(run)["host_id"])
    samples = snapshot_samples(run)
    samples = samples[samples["host_id"].isin(peer_ids)]
    if samples.empty:
        return pd.DataFrame(columns=columns)
    pieces = run.piece_count
    grouped = samples.groupby("time_ns")
    progress = pd.DataFrame({
        "peers": grouped["host_id"].count(),
        "seeds": grouped["pieces_have"].apply(
            lambda have: int((have >= pieces).sum()) if pieces > 0 else 0),
        "pieces_held": grouped["pieces_have"].sum(),
    })
    progress["leechers"] = progress["peers"] - progress["seeds"]
    if pieces > 0:
        progress["share_complete"] = progress["pieces_held"] / (progress["peers"] * pieces)
    else:
        progress["share_complete"] = np.nan
    progress["time_s"] = progress.index / NS_PER_S
    return progress.reset_index(drop=True)[columns]


def rarest_copies(run):
    """Per sampling time: copies of the rarest piece and mean copies per piece."""
    availability = run.availability
    return pd.DataFrame({
        "time_s": availability["time_ns"] / NS_PER_S,
        "copies_min": availability["copies_min"],
        "copies_mean": availability["copies_mean"],
    })


def piece_copies(run):
    """The copies of every piece at every sampling time, as (times in s, 2-D array
    [time, piece]); None when the run did not record them."""
    availability = run.availability.dropna(subset=["copies"])
    if availability.empty or run.piece_count == 0:
        return None
    rows = [np.frombuffer(blob, dtype="<u4") for blob in availability["copies"]]
    if any(len(row) != run.piece_count for row in rows):
        return None
    return (availability["time_ns"].to_numpy() / NS_PER_S, np.vstack(rows))


def ratio_by_class(run):
    """Per bandwidth class, over the leechers of that class: payload uploaded, downloaded, and
    their ratio (from each leecher's last sample)."""
    columns = ["bandwidth_class", "uploaded_bytes", "downloaded_bytes", "ratio"]
    leechers = run.hosts[run.hosts["role"] == "leecher"][["host_id", "bandwidth_class"]]
    if run.samples.empty or leechers.empty:
        return pd.DataFrame(columns=columns)
    last = run.samples.groupby("host_id")[["uploaded_bytes", "downloaded_bytes"]].max()
    merged = leechers.merge(last, left_on="host_id", right_index=True)
    if merged.empty:
        return pd.DataFrame(columns=columns)
    by_class = merged.groupby("bandwidth_class")[["uploaded_bytes", "downloaded_bytes"]].sum()
    downloaded = by_class["downloaded_bytes"].where(by_class["downloaded_bytes"] > 0)
    by_class["ratio"] = by_class["uploaded_bytes"] / downloaded
    return by_class.reset_index()[columns]
