// `swarmlab run --backend real`, run as the built program: the library's small scenario (shrunk
// with --set to a few peers and 1 MiB) on loopback sockets completes, is recorded, and ends with an
// honest trace-hash line; flags and scenarios the real backend cannot take are refused with one
// clear line and nothing run.
#include "tests/record/scratch.hpp"
#include "tests/support/run_process.hpp"
#include "tests/support/temp_dir.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace swarmlab::apps {
namespace {

using record::testing::query_value;
using test::run_process;
using test::TempDir;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string small_scenario =
    std::string(SWARMLAB_SOURCE_DIR) + "/scenarios/library/small.toml";

test::ProcessResult swarmlab(const std::vector<std::string>& arguments) {
  return test::run_program(SWARMLAB_EXECUTABLE, arguments);
}

// The small scenario cut down to one seed and four fibre leechers fetching 1 MiB: a few seconds
// on loopback. The wall-clock bound keeps the run short whatever happens.
std::vector<std::string> small_real_run(const std::string& database) {
  return {"run",
          small_scenario,
          "--backend",
          "real",
          "--quiet",
          "--wall-limit",
          "25",
          "--db",
          database,
          "--set",
          "groups.leechers.count=4",
          "--set",
          "groups.leechers.bandwidth=fibre",
          "--set",
          "groups.leechers.arrival.window_s=1",
          "--set",
          "torrent.size=1 MiB"};
}

TEST(RunRealCommand, SmallScenarioCompletesOnLoopbackAndIsRecorded) {
  const TempDir dir;
  const std::string database = (dir / "real.sqlite").string();
  const auto started = std::chrono::steady_clock::now();
  const test::ProcessResult result = swarmlab(small_real_run(database));
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_LT(wall, 25.0);
  EXPECT_THAT(result.out, HasSubstr("on loopback sockets (real backend, at most 25 s)"));
  EXPECT_THAT(result.out, HasSubstr("backend real"));
  EXPECT_THAT(result.out, HasSubstr("outcome: completed"));
  EXPECT_THAT(result.out, HasSubstr("leechers completed: 4 of 4"));
  EXPECT_THAT(result.out, HasSubstr("run time (wall clock):"));
  EXPECT_THAT(result.out, EndsWith("trace-hash: none (real backend is not deterministic)\n"));
  // The library scenario has latencies; loopback cannot honour them, and says so once.
  EXPECT_THAT(result.err, HasSubstr("warning: --backend real: latencies"));

  EXPECT_EQ(query_value(database, "SELECT backend || ' ' || outcome FROM runs"), "real completed");
  EXPECT_EQ(query_value(database, "SELECT COUNT(*) FROM hosts WHERE role = 'leecher'"), "4");
  EXPECT_EQ(query_value(database, "SELECT COUNT(*) FROM hosts WHERE role = 'tracker'"), "1");
  EXPECT_EQ(query_value(database, "SELECT COUNT(*) FROM events WHERE kind = 'completed'"), "4");
  // The leechers' rate limits are the fibre class's (10,000 kbps down, 5,000 up).
  EXPECT_EQ(query_value(database,
                        "SELECT DISTINCT download_bytes_per_second || '/' || "
                        "upload_bytes_per_second FROM hosts WHERE role = 'leecher'"),
            "1250000/625000");
}

TEST(RunRealCommand, CheckDeterminismIsRefusedOnTheRealBackend) {
  const test::ProcessResult result =
      swarmlab({"run", small_scenario, "--backend", "real", "--check-determinism"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("--check-determinism needs --backend sim (real runs are not "
                                    "deterministic)"));
  EXPECT_THAT(result.out, Not(HasSubstr("running")));
}

TEST(RunRealCommand, WallLimitIsForTheRealBackendOnly) {
  const test::ProcessResult sim = swarmlab({"run", small_scenario, "--wall-limit", "5"});
  EXPECT_EQ(sim.exit_code, 1);
  EXPECT_THAT(sim.err, HasSubstr("--wall-limit applies to --backend real only"));
  const test::ProcessResult zero =
      swarmlab({"run", small_scenario, "--backend", "real", "--wall-limit", "0"});
  EXPECT_EQ(zero.exit_code, 1);
  EXPECT_THAT(zero.err, HasSubstr("--wall-limit must be above 0"));
}

TEST(RunRealCommand, FaultsLoopbackCannotApplyAreRefusedBeforeAnythingRuns) {
  const TempDir dir;
  const std::string database = (dir / "never.sqlite").string();
  const std::string scenario = (dir / "cut.toml").string();
  test::write_file(scenario, test::read_file(small_scenario) +
                                 "\n[[faults]]\nat_s = 5\naction = \"partition\"\n"
                                 "groups = [\"seed\"]\n");
  const test::ProcessResult result =
      swarmlab({"run", scenario, "--backend", "real", "--db", database});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err,
              HasSubstr("cut.toml: cannot run with --backend real: faults.0: 'partition' needs "
                        "the simulated network"));
  EXPECT_THAT(result.err, HasSubstr("nothing was run; use --backend sim"));
  EXPECT_FALSE(std::filesystem::exists(database));

  const test::ProcessResult crowd =
      swarmlab({"run", small_scenario, "--backend", "real", "--set", "groups.leechers.count=300"});
  EXPECT_EQ(crowd.exit_code, 1);
  EXPECT_THAT(crowd.err, HasSubstr("302 hosts; the real backend runs at most 250"));
}

}  // namespace
}  // namespace swarmlab::apps
