"""The report's index.html: every run with its parameters, then every figure with its caption."""

import html
import json
import os

from . import load

STYLE = """
body { font-family: sans-serif; margin: 2em auto; max-width: 70em; color: #222; }
table { border-collapse: collapse; margin-bottom: 1em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; font-size: 0.9em; }
th { background: #f0f0f0; }
figure { margin: 2em 0; }
figure img { max-width: 100%; border: 1px solid #ddd; }
figcaption { color: #555; font-size: 0.9em; }
pre { background: #f7f7f7; padding: 0.6em; overflow-x: auto; font-size: 0.85em; }
.outcome-failed, .outcome-interrupted, .outcome-running { color: #b00; font-weight: bold; }
"""

# The run time is simulated seconds for the simulator and wall-clock seconds for the real backend
# (the backend column says which).
RUN_COLUMNS = ["label", "file", "run", "scenario", "seed", "backend", "version", "outcome",
               "run time (s)", "peers", "trackers", "pieces", "trace hash", "started (UTC)"]


def _cell(value):
    if value is None or (isinstance(value, float) and value != value):
        return "<td></td>"
    return f"<td>{html.escape(str(value))}</td>"


def _run_row(run):
    info = run.info
    duration = info.get("duration_ns")
    roles = run.hosts["role"].value_counts()
    outcome = str(info.get("outcome"))
    values = [
        run.label, os.path.basename(run.path), run.run_id, info.get("scenario_name"),
        info.get("seed"), info.get("backend"), info.get("version"), None,
        None if duration is None or duration != duration else f"{duration / load.NS_PER_S:.3f}",
        int(roles.get("seed", 0) + roles.get("leecher", 0)), int(roles.get("tracker", 0)),
        run.piece_count, info.get("trace_hash"), info.get("started_wall"),
    ]
    cells = [_cell(value) for value in values]
    cells[7] = f'<td class="outcome-{html.escape(outcome)}">{html.escape(outcome)}</td>'
    return "<tr>" + "".join(cells) + "</tr>"


def _parameters(run):
    text = json.dumps(run.parameters, indent=2, sort_keys=True)
    detail = run.info.get("outcome_detail")
    note = f"<p>{html.escape(str(detail))}</p>" if detail else ""
    return (f"<details><summary>{html.escape(run.label)}: parameters and scenario</summary>{note}"
            f"<pre>{html.escape(text)}</pre>"
            f"<pre>{html.escape(str(run.info.get('scenario_text') or ''))}</pre></details>")


def write_index(runs, figures, path, title="swarmlab report"):
    """Writes `path`: a table of the runs, their parameters, and `figures`, a list of
    (png file name relative to the page, caption)."""
    header = "".join(f"<th>{html.escape(column)}</th>" for column in RUN_COLUMNS)
    rows = "\n".join(_run_row(run) for run in runs)
    parameters = "\n".join(_parameters(run) for run in runs)
    figure_html = "\n".join(
        f'<figure><img src="{html.escape(name)}" alt="{html.escape(name)}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
        for name, caption in figures)
    page = f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{html.escape(title)}</title><style>{STYLE}</style></head>
<body>
<h1>{html.escape(title)}</h1>
<h2>Runs</h2>
<table><tr>{header}</tr>
{rows}
</table>
{parameters}
<h2>Figures</h2>
{figure_html}
</body>
</html>
"""
    with open(path, "w", encoding="utf-8") as out:
        out.write(page)
