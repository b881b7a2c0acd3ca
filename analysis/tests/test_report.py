"""Tests of the analysis package and report.py on synthetic databases (tests/synthetic.py)."""

import contextlib
import io
import math
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ANALYSIS = os.path.dirname(HERE)
sys.path.insert(0, ANALYSIS)

import report  # noqa: E402
from swarmlab_analysis import figures, load  # noqa: E402
from tests import synthetic  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def run_report(argv):
    """Runs report.main in this process; returns (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = report.main(argv)
        except SystemExit as exit_:
            status = exit_.code
    return status, out.getvalue(), err.getvalue()


class ScratchTestCase(unittest.TestCase):
    def setUp(self):
        self._scratch = tempfile.TemporaryDirectory(prefix="swarmlab-analysis-")
        self.scratch = self._scratch.name

    def tearDown(self):
        self._scratch.cleanup()

    def path(self, name):
        return os.path.join(self.scratch, name)


class LoadTest(ScratchTestCase):
    def setUp(self):
        super().setUp()
        self.run = load.load_runs(synthetic.build(self.path("one.sqlite")))[0]

    def test_run_info_and_label(self):
        self.assertEqual(self.run.run_id, 1)
        self.assertEqual(self.run.label, "flash_crowd seed 1")
        self.assertEqual(self.run.piece_count, synthetic.PIECES)
        self.assertEqual(self.run.parameters["leechers"], synthetic.LEECHERS)

    def test_completion_times(self):
        times = load.completion_times(self.run).set_index("host_id")["download_s"]
        self.assertEqual(len(times), synthetic.LEECHERS)
        for leecher in range(1, synthetic.LEECHERS):
            self.assertAlmostEqual(times[leecher], synthetic.download_s(leecher))
        self.assertTrue(math.isnan(times[synthetic.LEECHERS]))

    def test_swarm_progress(self):
        progress = load.swarm_progress(self.run).set_index("time_s")
        # At 0 s only the seed is there; at 1 s leechers 1 and 2 have joined with nothing.
        self.assertEqual(progress.loc[0.0, ["peers", "seeds", "leechers"]].tolist(), [1, 1, 0])
        self.assertAlmostEqual(progress.loc[0.0, "share_complete"], 1.0)
        self.assertEqual(progress.loc[1.0, ["peers", "seeds", "leechers"]].tolist(), [3, 1, 2])
        self.assertAlmostEqual(progress.loc[1.0, "share_complete"], 1 / 3)
        # At the end every leecher but the last is a seed.
        last = progress.iloc[-1]
        self.assertEqual([last["seeds"], last["leechers"]], [synthetic.LEECHERS, 1])

    def leave(self, path, host, time_ns):
        """Makes `host` leave at `time_ns` as a run records it: its last sample then, a `left`
        event, no samples after."""
        connection = sqlite3.connect(path)
        with connection:
            connection.execute("DELETE FROM samples WHERE host_id = ? AND time_ns >= ?",
                               (host, time_ns))
            connection.execute(
                "INSERT INTO samples (run_id, host_id, time_ns, uploaded_bytes, downloaded_bytes, "
                "connections, pieces_have) VALUES (1, ?, ?, 0, 0, 0, 0)", (host, time_ns))
            connection.execute("INSERT INTO events (run_id, time_ns, host_id, kind) "
                               "VALUES (1, ?, ?, 'left')", (time_ns, host))
        connection.close()
        return load.load_runs(path)[0]

    def test_swarm_progress_leaves_out_a_sample_written_between_ticks(self):
        # A host leaving at 2.5 s writes its last sample then; alone at that instant it must
        # not become a time point with a swarm of one peer.
        run = self.leave(synthetic.build(self.path("between.sqlite")), 1, 5 * synthetic.NS // 2)
        progress = load.swarm_progress(run).set_index("time_s")
        self.assertNotIn(2.5, progress.index)
        self.assertEqual(len(progress), synthetic.DURATION_S + 1)
        self.assertEqual(progress.loc[2.0, "peers"], self.peers_at(2.0))
        self.assertEqual(progress.loc[3.0, "peers"], self.peers_at(3.0) - 1)

    def test_swarm_progress_leaves_out_a_host_leaving_on_a_tick(self):
        # Leaving at 2 s, the host is not in the swarm the tick at 2 s shows; its last sample
        # carries the same time.
        run = self.leave(synthetic.build(self.path("on_tick.sqlite")), 1, 2 * synthetic.NS)
        progress = load.swarm_progress(run).set_index("time_s")
        self.assertEqual(progress.loc[1.0, "peers"], self.peers_at(1.0))
        self.assertEqual(progress.loc[2.0, "peers"], self.peers_at(2.0) - 1)

    def test_swarm_progress_keeps_ticks_off_the_interval_grid(self):
        # On the real backend ticks fall where the wall clock is, a little after each interval.
        path = synthetic.build(self.path("off_grid.sqlite"))
        connection = sqlite3.connect(path)
        with connection:
            connection.execute("UPDATE samples SET time_ns = time_ns + 3000000 WHERE time_ns > 0")
        connection.close()
        progress = load.swarm_progress(load.load_runs(path)[0])
        self.assertEqual(len(progress), synthetic.DURATION_S + 1)

    def peers_at(self, time_s):
        return load.swarm_progress(self.run).set_index("time_s").loc[time_s, "peers"]

    def test_rarest_copies(self):
        copies = load.rarest_copies(self.run)
        self.assertEqual(len(copies), synthetic.DURATION_S + 1)
        self.assertEqual(copies["copies_min"].iloc[0], 1)
        self.assertEqual(copies["copies_min"].iloc[-1], synthetic.LEECHERS)

    def test_piece_copies_decodes_the_blobs(self):
        times, copies = load.piece_copies(self.run)
        self.assertEqual(copies.shape, (synthetic.DURATION_S + 1, synthetic.PIECES))
        self.assertEqual(times[-1], synthetic.DURATION_S)
        # At the end, piece 0 is held by all 13 peers; the last leecher holds only half.
        self.assertEqual(copies[-1, 0], synthetic.LEECHERS + 1)
        self.assertEqual(copies[-1, -1], synthetic.LEECHERS)

    def test_ratio_by_class(self):
        ratios = load.ratio_by_class(self.run).set_index("bandwidth_class")["ratio"]
        # Independent computation from the synthetic swarm's rules.
        expected = {}
        for leecher in range(1, synthetic.LEECHERS + 1):
            name = "slow" if leecher % 3 == 0 else "fast"
            down = synthetic.pieces_at(leecher, synthetic.DURATION_S) * synthetic.PIECE_BYTES
            up = 0 if leecher % 2 == 0 else down // 2
            total = expected.setdefault(name, [0, 0])
            total[0] += up
            total[1] += down
        self.assertEqual(sorted(ratios.index), ["fast", "slow"])
        for name, (up, down) in expected.items():
            self.assertAlmostEqual(ratios[name], up / down)


class ReportTest(ScratchTestCase):
    def assert_report(self, output):
        index = os.path.join(output, "index.html")
        with open(index, encoding="utf-8") as page:
            text = page.read()
        sources = re.findall(r'<img src="([^"]+)"', text)
        self.assertEqual(sources, [name for name, _ in figures.ALL])
        for name in sources:
            with open(os.path.join(output, name), "rb") as png:
                self.assertEqual(png.read(8), PNG_SIGNATURE, name)
            self.assertGreater(os.path.getsize(os.path.join(output, name)), 5000, name)
        return text

    def test_one_run(self):
        database = synthetic.build(self.path("one.sqlite"))
        status, out, err = run_report([database, "-o", self.path("out")])
        self.assertEqual(status, 0, err)
        self.assertIn("index.html", out)
        text = self.assert_report(self.path("out"))
        self.assertIn("flash_crowd seed 1", text)
        self.assertIn("&quot;leechers&quot;: 12", text)
        self.assertIn("abc123", text)

    def test_runs_of_several_files_are_overlaid_with_their_labels(self):
        first = synthetic.build(self.path("rarest.sqlite"), runs=[("swarm", 1), ("swarm", 2)])
        second = synthetic.build(self.path("random.sqlite"), runs=[("swarm", 1)])
        status, _, err = run_report([first, second, "-o", self.path("out"),
                                     "--label", "rarest", "--label", "random"])
        self.assertEqual(status, 0, err)
        text = self.assert_report(self.path("out"))
        for label in ("rarest run 1", "rarest run 2", "random"):
            self.assertIn(f"<td>{label}</td>", text)

    def test_duplicate_default_labels_are_told_apart(self):
        first = synthetic.build(self.path("a.sqlite"))
        second = synthetic.build(self.path("b.sqlite"))
        runs = load.load_runs(first) + load.load_runs(second)
        load.make_labels_unique(runs)
        self.assertEqual([run.label for run in runs],
                         ["flash_crowd seed 1 #1 [a.sqlite]", "flash_crowd seed 1 #1 [b.sqlite]"])

    def test_failed_run_is_reported(self):
        database = synthetic.build(self.path("failed.sqlite"), outcome="failed")
        status, _, err = run_report([database, "-o", self.path("out")])
        self.assertEqual(status, 0, err)
        self.assertIn('class="outcome-failed"', self.assert_report(self.path("out")))

    def test_command_line_entry_point(self):
        database = synthetic.build(self.path("one.sqlite"))
        result = subprocess.run(
            ["/usr/bin/python3", os.path.join(ANALYSIS, "report.py"), database, "-o",
             self.path("cli")], capture_output=True, text=True, timeout=120, check=False)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assert_report(self.path("cli"))


class ReportErrorTest(ScratchTestCase):
    def assert_fails(self, database, message):
        status, _, err = run_report([database, "-o", self.path("out")])
        self.assertEqual(status, 1)
        self.assertIn(f"report: {database}: {message}", err)
        self.assertFalse(os.path.exists(os.path.join(self.path("out"), "index.html")))

    def test_output_that_is_a_file(self):
        database = synthetic.build(self.path("one.sqlite"))
        with open(self.path("afile"), "w", encoding="utf-8") as existing:
            existing.write("kept")
        status, _, err = run_report([database, "-o", self.path("afile")])
        self.assertEqual(status, 1)
        self.assertIn("it exists and is not a directory", err)
        self.assertEqual(err.count("\n"), 1, err)
        with open(self.path("afile"), encoding="utf-8") as kept:
            self.assertEqual(kept.read(), "kept")

    def test_missing_file(self):
        self.assert_fails(self.path("absent.sqlite"), "no such file")
        self.assertFalse(os.path.exists(self.path("absent.sqlite")))

    def test_directory(self):
        self.assert_fails(self.scratch, "not a file")

    def test_not_a_database(self):
        with open(self.path("notes.sqlite"), "w", encoding="utf-8") as notes:
            notes.write("x" * 4096)
        self.assert_fails(self.path("notes.sqlite"), "not a SQLite database")

    def test_other_programs_database(self):
        connection = sqlite3.connect(self.path("other.sqlite"))
        connection.execute("CREATE TABLE customers (name TEXT)")
        connection.close()
        self.assert_fails(self.path("other.sqlite"), "not a swarmlab results database")

    def test_other_schema_version(self):
        database = synthetic.build(self.path("future.sqlite"))
        connection = sqlite3.connect(database)
        connection.execute("PRAGMA user_version = 7")
        connection.close()
        self.assert_fails(database, "results schema version 7")

    def test_database_without_runs(self):
        connection = sqlite3.connect(self.path("empty.sqlite"))
        synthetic.create_schema(connection)
        connection.close()
        self.assert_fails(self.path("empty.sqlite"), "holds no runs")

    def test_label_count_must_match(self):
        database = synthetic.build(self.path("one.sqlite"))
        status, _, err = run_report([database, "-o", self.path("out"), "--label", "a",
                                     "--label", "b"])
        self.assertEqual(status, 2)
        self.assertIn("2 --label given for 1 databases", err)


if __name__ == "__main__":
    unittest.main()
