"""Tests of the fluid model and the steady-state measurement (swarmlab_analysis.steady_state)."""

import math
import os
import sys
import unittest

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from swarmlab_analysis import load, steady_state  # noqa: E402

NS = 1_000_000_000


class FluidModelTest(unittest.TestCase):
    def test_upload_limited(self):
        # 1/c = 10 s, 1/mu - 1/gamma = 30 - 10 = 20 s: T = 20 s, x = 0.2 * 20, y = 0.2 / 0.1.
        model = steady_state.fluid_model(arrival_rate=0.2, download_rate=0.1,
                                         upload_rate=1 / 30, seed_departure_rate=0.1)
        self.assertEqual(model.limited_by, "upload")
        self.assertAlmostEqual(model.download_time_s, 20.0)
        self.assertAlmostEqual(model.leechers, 4.0)
        self.assertAlmostEqual(model.seeds, 2.0)

    def test_a_permanent_seed_shortens_the_upload_limited_time(self):
        # s = mu = 1/30: 1/mu - 1/gamma - s / (mu lambda) = 30 - 10 - 1 / 0.2 = 15 s.
        model = steady_state.fluid_model(0.2, 0.1, 1 / 30, 0.1, permanent_seed_rate=1 / 30)
        self.assertEqual(model.limited_by, "upload")
        self.assertAlmostEqual(model.download_time_s, 15.0)
        self.assertAlmostEqual(model.leechers, 3.0)
        self.assertAlmostEqual(model.seeds, 2.0)

    def test_download_limited_and_independent_of_arrival_rate(self):
        # 1/mu - 1/gamma = 30 - 60 < 0: the download link bounds T at 1/c = 10 s.
        for rate in (0.1, 0.4):
            model = steady_state.fluid_model(rate, 0.1, 1 / 30, 1 / 60)
            self.assertEqual(model.limited_by, "download")
            self.assertAlmostEqual(model.download_time_s, 10.0)
            self.assertAlmostEqual(model.leechers, rate * 10)
            self.assertAlmostEqual(model.seeds, rate * 60)


def make_run(rows, duration_s):
    """A Run whose hosts are (group, join_s, complete_s, leave_s), each time None when unset."""
    hosts = pd.DataFrame([
        {"host_id": index, "group_name": group,
         "join_ns": None if join is None else join * NS,
         "complete_ns": None if complete is None else complete * NS,
         "leave_ns": None if leave is None else leave * NS}
        for index, (group, join, complete, leave) in enumerate(rows)])
    return load.Run(path="synthetic", run_id=1, label="synthetic",
                    info={"duration_ns": duration_s * NS}, hosts=hosts,
                    samples=pd.DataFrame(), availability=pd.DataFrame())


class MeasureTest(unittest.TestCase):
    def test_time_averages_and_download_times_in_the_window(self):
        run = make_run([
            ("seed", 0, 0, None),           # another group: ignored
            ("leechers", 5, 15, 25),        # before the window: counts only from 10 s
            ("leechers", 20, 50, 70),       # arrives in the window, seeds past its end
            ("leechers", 60, 80, None),     # arrives in the window, never leaves
            ("leechers", 95, None, None),   # arrives after the window
            ("leechers", None, None, None),  # scheduled after the run's end: never joined
        ], duration_s=100)
        measured = steady_state.measure(run, "leechers", 10, 90)
        # Leeching inside [10, 90]: 5 + 30 + 20 = 55 s; seeding: 10 + 20 + 10 = 40 s; over 80 s.
        self.assertAlmostEqual(measured.leechers, 55 / 80)
        self.assertAlmostEqual(measured.seeds, 40 / 80)
        self.assertEqual(measured.arrivals, 2)
        self.assertEqual(measured.completed, 2)
        self.assertAlmostEqual(measured.download_time_s, (30 + 20) / 2)

    def test_no_completion_gives_nan_and_unknown_group_is_an_error(self):
        run = make_run([("leechers", 20, None, 40)], duration_s=100)
        measured = steady_state.measure(run, "leechers", 10, 90)
        self.assertTrue(math.isnan(measured.download_time_s))
        self.assertAlmostEqual(measured.leechers, 20 / 80)
        with self.assertRaises(ValueError):
            steady_state.measure(run, "nobody", 10, 90)


if __name__ == "__main__":
    unittest.main()
