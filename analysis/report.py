#!/usr/bin/python3
"""Writes the standard figures of one or more swarmlab runs and an index.html showing them.

Usage: report.py RUN.sqlite [MORE.sqlite ...] -o DIR [--label LABEL ...] [--title TEXT]

Every run in every database is shown; given several, the figures overlay them. Exit status: 0 on
success, 1 when a database cannot be read or the output cannot be written, 2 for a usage error.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from swarmlab_analysis import figures, html, load  # noqa: E402


def parse_arguments(argv):
    parser = argparse.ArgumentParser(
        prog="swarmlab report",
        description="Figures and an HTML page from swarmlab results databases.")
    parser.add_argument("databases", nargs="+", metavar="RUN.sqlite",
                        help="results databases (every run in each is shown)")
    parser.add_argument("-o", "--output", required=True, metavar="DIR",
                        help="directory for the PNG figures and index.html (created if needed)")
    parser.add_argument("--label", action="append", default=[], metavar="LABEL",
                        help="legend label of each database's runs, in order (default: scenario "
                             "name and seed)")
    parser.add_argument("--title", default="swarmlab report", help="title of the page")
    arguments = parser.parse_args(argv)
    if arguments.label and len(arguments.label) != len(arguments.databases):
        parser.error(f"{len(arguments.label)} --label given for {len(arguments.databases)} "
                     "databases: give one per database or none")
    return arguments


def write_report(arguments):
    labels = arguments.label or [None] * len(arguments.databases)
    runs = []
    for path, label in zip(arguments.databases, labels):
        runs.extend(load.load_runs(path, label))
    load.make_labels_unique(runs)
    os.makedirs(arguments.output, exist_ok=True)
    written = []
    for name, draw in figures.ALL:
        caption = draw(runs, os.path.join(arguments.output, name))
        written.append((name, caption))
    index = os.path.join(arguments.output, "index.html")
    html.write_index(runs, written, index, arguments.title)
    return runs, index


def main(argv=None):
    arguments = parse_arguments(sys.argv[1:] if argv is None else argv)
    try:
        runs, index = write_report(arguments)
    except load.DatabaseError as error:
        print(f"report: {error}", file=sys.stderr)
        return 1
    except FileExistsError:
        print(f"report: cannot write {arguments.output}: it exists and is not a directory",
              file=sys.stderr)
        return 1
    except OSError as error:
        print(f"report: cannot write {arguments.output}: {error.strerror or error}",
              file=sys.stderr)
        return 1
    print(f"report: {len(runs)} run(s), {len(figures.ALL)} figures: {index}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
