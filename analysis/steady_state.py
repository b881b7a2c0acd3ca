#!/usr/bin/python3
"""Compares steady-state runs with the fluid model of Qiu and Srikant (2004).

Usage: steady_state.py RUN.sqlite [MORE.sqlite ...] [--group NAME] [--seed-group NAME]
                       [--warmup-s S] [--tail-s S]

For each run: lambda (the group's Poisson arrival rate), 1/gamma (its exponential seeding mean),
c and mu (its links' download and upload rates in files per second, from the hosts table), s (the
upload rate of the seed group's peers that never leave), then the download time T of the model
without and with the permanent seed, and the model's (with the seed) and the run's download time T,
leechers x and seeds y, over the window from the warm-up to tail-s before the run's end. Prints a
Markdown table. Exit status: 0 on success, 1 when a database cannot be read or does not describe
such a run, 2 for a usage error.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from swarmlab_analysis import load, steady_state  # noqa: E402


def parse_arguments(argv):
    parser = argparse.ArgumentParser(
        prog="steady_state.py",
        description="Steady-state runs against the Qiu-Srikant fluid model (Markdown table).")
    parser.add_argument("databases", nargs="+", metavar="RUN.sqlite")
    parser.add_argument("--group", default="leechers",
                        help="the group that arrives and departs (default: leechers)")
    parser.add_argument("--seed-group", default="seed",
                        help="the group of permanent seeds (default: seed)")
    parser.add_argument("--warmup-s", type=float, default=600.0,
                        help="simulated seconds left out at the start (default: 600)")
    parser.add_argument("--tail-s", type=float, default=300.0,
                        help="simulated seconds left out at the end, so that the peers that "
                             "arrive in the window complete in the run (default: 300)")
    return parser.parse_args(argv)


def rates(run, group):
    """(lambda, gamma, c, mu) of the group, in per-second and files-per-second units."""
    spec = run.parameters.get("groups", {}).get(group, {})
    arrival = spec.get("arrival", {})
    departure = spec.get("departure", {})
    if arrival.get("process") != "poisson" or departure.get("policy") != "exponential":
        raise ValueError(f"group '{group}' needs Poisson arrivals and exponential departures")
    hosts = run.hosts[run.hosts["group_name"] == group]
    if hosts.empty or hosts["upload_bytes_per_second"].isna().any():
        raise ValueError(f"group '{group}' needs peers with limited links")
    size_bytes = float(run.info["total_size_bytes"])
    return (float(arrival["rate_per_s"]), 1.0 / float(departure["mean_s"]),
            float(hosts["download_bytes_per_second"].iloc[0]) / size_bytes,
            float(hosts["upload_bytes_per_second"].iloc[0]) / size_bytes)


def permanent_seed_rate(run, group):
    """Upload rate, in files per second, of the group's peers that stay for the whole run."""
    seeds = run.hosts[(run.hosts["group_name"] == group) & run.hosts["leave_ns"].isna()]
    return float(seeds["upload_bytes_per_second"].fillna(0).sum()) / float(
        run.info["total_size_bytes"])


def difference(model, simulated):
    return f"{(simulated - model) / model * 100:+.0f}%" if model else "n/a"


def table_rows(runs, arguments):
    yield ("| lambda (1/s) | 1/gamma (s) | limited by | T model | T model + seed | T sim | diff "
           "| x model + seed | x sim | diff | y model | y sim | diff | arrivals (completed) |")
    yield "|" + "---|" * 14
    for run in runs:
        arrival, gamma, c, mu = rates(run, arguments.group)
        plain = steady_state.fluid_model(arrival, c, mu, gamma)
        model = steady_state.fluid_model(arrival, c, mu, gamma,
                                         permanent_seed_rate(run, arguments.seed_group))
        end_s = float(run.info["duration_ns"]) / load.NS_PER_S - arguments.tail_s
        if end_s <= arguments.warmup_s:
            raise ValueError(f"{run.path}: the run is too short for the warm-up and tail")
        sim = steady_state.measure(run, arguments.group, arguments.warmup_s, end_s)
        yield (f"| {arrival:g} | {1 / gamma:g} | {model.limited_by} "
               f"| {plain.download_time_s:.1f} | {model.download_time_s:.1f} "
               f"| {sim.download_time_s:.1f} "
               f"| {difference(model.download_time_s, sim.download_time_s)} "
               f"| {model.leechers:.2f} | {sim.leechers:.2f} "
               f"| {difference(model.leechers, sim.leechers)} "
               f"| {model.seeds:.2f} | {sim.seeds:.2f} | {difference(model.seeds, sim.seeds)} "
               f"| {sim.arrivals} ({sim.completed}) |")


def main(argv=None):
    arguments = parse_arguments(sys.argv[1:] if argv is None else argv)
    try:
        runs = [run for path in arguments.databases for run in load.load_runs(path)]
        for row in table_rows(runs, arguments):
            print(row)
    except (load.DatabaseError, ValueError, KeyError) as error:
        print(f"steady_state: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
