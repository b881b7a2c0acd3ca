"""The standard figures of a report, one function per figure.

Each function takes the runs to show (one or several, overlaid with one colour per run, the run's
label in the legend) and the PNG path to write, and returns a one-sentence caption. Figures are
drawn with matplotlib's Agg backend: no display is needed.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
import numpy as np  # noqa: E402

from . import load  # noqa: E402

FIGURE_SIZE = (8, 5)
DPI = 110
# Heat maps are drawn for at most this many runs (one panel each).
HEATMAP_RUNS_MAX = 4


def _colour(index):
    return plt.get_cmap("tab10")(index % 10)


def _no_data(axes, text):
    axes.text(0.5, 0.5, text, ha="center", va="center", transform=axes.transAxes,
              color="grey")


def _save(figure, path):
    figure.tight_layout()
    figure.savefig(path, dpi=DPI)
    plt.close(figure)


def completion_cdf(runs, path):
    """Share of leechers that completed within t, one curve per run (and per group when a run has
    several leecher groups)."""
    figure, axes = plt.subplots(figsize=FIGURE_SIZE)
    drawn = False
    styles = ["-", "--", ":", "-."]
    for index, run in enumerate(runs):
        times = load.completion_times(run)
        groups = sorted(times["group_name"].unique())
        for group_index, group in enumerate(groups):
            group_times = times[times["group_name"] == group]["download_s"]
            done = np.sort(group_times.dropna().to_numpy())
            if len(group_times) == 0:
                continue
            share = np.arange(1, len(done) + 1) / len(group_times)
            label = run.label if len(groups) == 1 else f"{run.label}: {group}"
            axes.step(np.concatenate(([0.0], done)), np.concatenate(([0.0], share)), where="post",
                      color=_colour(index), linestyle=styles[group_index % len(styles)],
                      label=label)
            drawn = True
    axes.set_xlabel("download time (s)")
    axes.set_ylabel("share of leechers complete")
    axes.set_ylim(0, 1.02)
    axes.set_title("Completion time CDF")
    if drawn:
        axes.legend(fontsize="small")
    else:
        _no_data(axes, "no leechers")
    _save(figure, path)
    return ("Cumulative share of leechers that completed their download within a given time "
            "since they joined; a curve ending below 1 means some leechers never completed.")


def swarm_progress(runs, path):
    """Leechers, seeds and share complete over time, one panel each."""
    figure, (leechers, seeds, share) = plt.subplots(3, 1, figsize=(8, 8), sharex=True)
    drawn = False
    for index, run in enumerate(runs):
        progress = load.swarm_progress(run)
        if progress.empty:
            continue
        style = dict(color=_colour(index), label=run.label)
        leechers.plot(progress["time_s"], progress["leechers"], **style)
        seeds.plot(progress["time_s"], progress["seeds"], **style)
        share.plot(progress["time_s"], progress["share_complete"], **style)
        drawn = True
    leechers.set_ylabel("leechers")
    seeds.set_ylabel("seeds")
    share.set_ylabel("share complete")
    share.set_ylim(0, 1.02)
    share.set_xlabel("time (s)")
    leechers.set_title("Swarm progress")
    if drawn:
        leechers.legend(fontsize="small")
    else:
        _no_data(leechers, "no samples")
    _save(figure, path)
    return ("Peers present at each sampling time: leechers, seeds (peers holding every piece), and "
            "the share of all pieces the present peers would hold if complete.")


def rarest_piece(runs, path):
    """Copies of the rarest piece (solid) and mean copies per piece (dashed) over time."""
    figure, axes = plt.subplots(figsize=FIGURE_SIZE)
    drawn = False
    for index, run in enumerate(runs):
        copies = load.rarest_copies(run)
        if copies.empty:
            continue
        axes.step(copies["time_s"], copies["copies_min"], where="post", color=_colour(index),
                  label=f"{run.label}: rarest piece")
        axes.plot(copies["time_s"], copies["copies_mean"], color=_colour(index), linestyle="--",
                  linewidth=1, label=f"{run.label}: mean")
        drawn = True
    axes.set_xlabel("time (s)")
    axes.set_ylabel("copies among present peers")
    axes.set_ylim(bottom=0)
    axes.set_title("Copies of the rarest piece")
    if drawn:
        axes.legend(fontsize="small")
    else:
        _no_data(axes, "no availability samples")
    _save(figure, path)
    return ("Copies of the rarest piece among the peers present (solid) and the mean number of "
            "copies per piece (dashed); a rarest piece at 0 copies means the swarm cannot "
            "complete.")


def ratio_by_class(runs, path):
    """Upload/download ratio of leechers by bandwidth class, one bar per run in each class."""
    figure, axes = plt.subplots(figsize=FIGURE_SIZE)
    tables = [load.ratio_by_class(run) for run in runs]
    classes = sorted({name for table in tables for name in table["bandwidth_class"]})
    width = 0.8 / max(len(runs), 1)
    for index, (run, table) in enumerate(zip(runs, tables)):
        ratios = table.set_index("bandwidth_class")["ratio"]
        heights = [float(ratios.get(name, np.nan)) for name in classes]
        positions = np.arange(len(classes)) + (index - (len(runs) - 1) / 2) * width
        axes.bar(positions, heights, width=width, color=_colour(index), label=run.label)
    if classes:
        axes.set_xticks(np.arange(len(classes)))
        axes.set_xticklabels(classes)
        axes.axhline(1.0, color="grey", linewidth=0.8, linestyle=":")
        axes.legend(fontsize="small")
    else:
        _no_data(axes, "no leecher samples")
    axes.set_xlabel("bandwidth class")
    axes.set_ylabel("uploaded / downloaded")
    axes.set_title("Upload/download ratio by bandwidth class")
    _save(figure, path)
    return ("Payload the leechers of each bandwidth class uploaded, divided by what they "
            "downloaded (last sample of each leecher); 1 is an even exchange.")


def piece_availability(runs, path):
    """Copies of every piece over time, as a heat map per run (the first few runs)."""
    shown = [run for run in runs if load.piece_copies(run) is not None][:HEATMAP_RUNS_MAX]
    panels = max(len(shown), 1)
    figure, axes_list = plt.subplots(panels, 1, figsize=(8, 3 * panels + 1), squeeze=False)
    for axes, run in zip(axes_list[:, 0], shown):
        times, copies = load.piece_copies(run)
        # Each column spans one sampling interval from its sample's time.
        step = float(np.median(np.diff(times))) if len(times) > 1 else 1.0
        extent = (times[0], times[-1] + step, 0, copies.shape[1])
        image = axes.imshow(copies.T, aspect="auto", origin="lower", extent=extent,
                            interpolation="nearest", cmap="viridis")
        figure.colorbar(image, ax=axes, label="copies")
        axes.set_ylabel("piece")
        axes.set_title(run.label, fontsize="medium")
    if not shown:
        _no_data(axes_list[0, 0], "no per-piece availability recorded")
    axes_list[-1, 0].set_xlabel("time (s)")
    _save(figure, path)
    return ("Copies of each piece among the present peers over time (per run, the first "
            f"{HEATMAP_RUNS_MAX} runs at most).")


# File name, function: the report draws them in this order.
ALL = [
    ("completion_cdf.png", completion_cdf),
    ("swarm_progress.png", swarm_progress),
    ("rarest_piece.png", rarest_piece),
    ("ratio_by_class.png", ratio_by_class),
    ("piece_availability.png", piece_availability),
]
