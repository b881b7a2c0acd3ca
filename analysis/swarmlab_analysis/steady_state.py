"""The steady state of a swarm against the fluid model of Qiu and Srikant (2004).

Model (eta = 1, no aborts, file size 1): leechers arrive at rate lambda, download at most c and
upload at most mu files per unit time, and seed for an exponential time with rate gamma. Then
1/beta = max(1/c, 1/mu - 1/gamma), the download time is T = 1/beta, and on average there are
x = lambda T leechers and y = x beta / gamma = lambda / gamma seeds.

With a permanent seed uploading s files per unit time (a real swarm needs one: without it, pieces
are lost when the last seed leaves), the balance of the upload-limited case, lambda = mu (x + y) + s,
gives 1/beta = max(1/c, 1/mu - 1/gamma - s / (mu lambda)); s = 0 is the original model.

Measured: from the hosts table of a run (join, completion and leave times of one group of
peers) over a window [start, end]: the time-averaged numbers of leechers and seeds present, and
the mean download time of the peers that arrived in the window and completed.
"""

import dataclasses

import numpy as np

from swarmlab_analysis.load import NS_PER_S


@dataclasses.dataclass
class Model:
    download_time_s: float
    leechers: float
    seeds: float
    limited_by: str  # "download" or "upload"


def fluid_model(arrival_rate, download_rate, upload_rate, seed_departure_rate,
                permanent_seed_rate=0.0):
    """Rates in files per second: lambda, c, mu, gamma and s."""
    download_bound = 1.0 / download_rate
    upload_bound = (1.0 / upload_rate - 1.0 / seed_departure_rate
                    - permanent_seed_rate / (upload_rate * arrival_rate))
    time_s = max(download_bound, upload_bound)
    leechers = arrival_rate * time_s
    seeds = leechers / time_s / seed_departure_rate
    return Model(time_s, leechers, seeds, "download" if download_bound >= upload_bound else "upload")


@dataclasses.dataclass
class Measured:
    download_time_s: float
    leechers: float
    seeds: float
    arrivals: int
    completed: int


def _overlap_s(begin_ns, end_ns, window_begin_ns, window_end_ns):
    """Seconds of each [begin, end) interval inside the window (0 where none)."""
    begin = np.maximum(begin_ns, window_begin_ns)
    end = np.minimum(end_ns, window_end_ns)
    return np.clip(end - begin, 0, None) / NS_PER_S


def measure(run, group, window_begin_s, window_end_s):
    """Steady-state figures of `group`'s peers in `run` over [window_begin_s, window_end_s]."""
    begin_ns, end_ns = window_begin_s * NS_PER_S, window_end_s * NS_PER_S
    hosts = run.hosts[run.hosts["group_name"] == group]
    if hosts.empty:
        raise ValueError(f"no peers in group '{group}'")
    # Peers scheduled after the run ended never joined.
    hosts = hosts[hosts["join_ns"].notna()]
    run_end_ns = float(run.info["duration_ns"])
    join = hosts["join_ns"].astype(float).to_numpy()
    leave = hosts["leave_ns"].astype(float).fillna(run_end_ns).to_numpy()
    complete = hosts["complete_ns"].astype(float).to_numpy()
    leeching_end = np.where(np.isnan(complete), leave, np.minimum(complete, leave))
    seeding_begin = np.where(np.isnan(complete), leave, complete)
    length_s = window_end_s - window_begin_s
    leechers = _overlap_s(join, leeching_end, begin_ns, end_ns).sum() / length_s
    seeds = _overlap_s(seeding_begin, leave, begin_ns, end_ns).sum() / length_s
    arrived = (join >= begin_ns) & (join < end_ns)
    done = arrived & ~np.isnan(complete)
    times = (complete[done] - join[done]) / NS_PER_S
    return Measured(float(times.mean()) if len(times) else float("nan"), float(leechers),
                    float(seeds), int(arrived.sum()), int(done.sum()))
