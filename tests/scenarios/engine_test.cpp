// The scenario engine: small swarms complete; the same seed gives the same trace hash and the
// same recorded rows, another seed another hash; corrupt peers are caught and no corrupt piece is
// accepted; a liveness violation stops the run; departures, crashes and restarts, and peers that
// announce to the scenario's tracker.
#include "tests/record/scratch.hpp"
#include "tests/scenarios/scenario_text.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace swarmlab::scenarios_test {
namespace {

using record::Outcome;
using scenarios::RunResult;
using ::testing::HasSubstr;

class ScratchDatabase {
 public:
  explicit ScratchDatabase(const std::string& name)
      : path_(std::filesystem::temp_directory_path() /
              ("swarmlab-engine-" + std::to_string(::getpid()) + "-" + name + ".sqlite")) {
    std::filesystem::remove(path_);
  }
  ~ScratchDatabase() {
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(path_.string() + suffix);
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

RunResult run(const std::string& text, const std::vector<std::string>& overrides = {},
              std::optional<std::string> database = std::nullopt) {
  const scenarios::LoadedScenario scenario = parse_valid(text, overrides);
  return scenarios::run_scenario(scenario, {.database_path = std::move(database)});
}

TEST(ScenarioEngine, SmallSwarmCompletes) {
  const RunResult result = run(small_swarm(12));
  EXPECT_EQ(result.outcome, Outcome::completed) << result.detail;
  EXPECT_EQ(result.leechers_total, 12u);
  EXPECT_EQ(result.leechers_completed, 12u);
  EXPECT_EQ(result.download_times_seconds.size(), 12u);
  // Every leecher downloaded at least the whole torrent, and nobody got more than was sent.
  EXPECT_GE(result.payload_downloaded_bytes, 12u * 1024 * 1024);
  EXPECT_GE(result.payload_uploaded_bytes, result.payload_downloaded_bytes);
  EXPECT_EQ(result.trace_hash_hex.size(), 16u);
}

TEST(ScenarioEngine, SameSeedSameTraceAndRowsOtherSeedOtherTrace) {
  const ScratchDatabase first_db("first");
  const ScratchDatabase second_db("second");
  const ScratchDatabase other_db("other");
  const RunResult first = run(small_swarm(8), {}, first_db.path());
  const RunResult second = run(small_swarm(8), {}, second_db.path());
  const RunResult other = run(small_swarm(8), {"seed=6"}, other_db.path());
  EXPECT_EQ(first.outcome, Outcome::completed) << first.detail;
  ASSERT_TRUE(first.rows_hash);
  ASSERT_TRUE(second.rows_hash);
  ASSERT_TRUE(other.rows_hash);
  EXPECT_EQ(first.trace_hash, second.trace_hash);
  EXPECT_EQ(*first.rows_hash, *second.rows_hash);
  EXPECT_EQ(first.download_times_seconds, second.download_times_seconds);
  EXPECT_NE(first.trace_hash, other.trace_hash);
  EXPECT_NE(*first.rows_hash, *other.rows_hash);
}

// The first tick, at the start, shows the swarm after the peers that join then (the seed), as
// every later tick shows it after the events of its instant.
TEST(ScenarioEngine, TheFirstTickCountsThePeersThatJoinAtTheStart) {
  using record::testing::query;
  using record::testing::Rows;
  const ScratchDatabase database("first-tick");
  const RunResult result = run(small_swarm(4), {}, database.path());
  ASSERT_EQ(result.outcome, Outcome::completed) << result.detail;
  EXPECT_EQ(query(database.path(),
                  "SELECT time_ns, hosts_present, copies_min, copies_max FROM availability "
                  "ORDER BY time_ns LIMIT 1"),
            (Rows{{"0", "1", "1", "1"}}));
  // The seed holds all 16 pieces in the first row of samples.
  EXPECT_EQ(query(database.path(),
                  "SELECT time_ns, pieces_have FROM samples ORDER BY time_ns, host_id LIMIT 1"),
            (Rows{{"0", "16"}}));
}

// Ticks fall on their times when the interval is not a whole number of seconds (the run loop
// steps a second at a time otherwise), and every host present has its row there.
TEST(ScenarioEngine, TicksFallOnTheirTimesForAnyInterval) {
  using record::testing::query_value;
  const ScratchDatabase database("ticks");
  const RunResult result = run(small_swarm(4), {"sample_interval_s=2.5"}, database.path());
  ASSERT_EQ(result.outcome, Outcome::completed) << result.detail;
  const std::string path = database.path();
  const std::string last_tick = "(SELECT max(time_ns) FROM availability)";
  EXPECT_EQ(query_value(path,
                        "SELECT count(*) FROM availability WHERE time_ns % 2500000000 <> 0 "
                        "AND time_ns <> " +
                            last_tick),
            "0");
  EXPECT_EQ(query_value(path, "SELECT count(*) FROM availability WHERE time_ns % 2500000000 = 0"),
            query_value(path, "SELECT 1 + " + last_tick + " / 2500000000"));
  EXPECT_EQ(query_value(path,
                        "SELECT count(*) FROM availability AS a WHERE hosts_present <> "
                        "(SELECT count(*) FROM samples AS s WHERE s.time_ns = a.time_ns)"),
            "0");
}

// Every sample says how many peers its host unchokes, never more than it is connected to.
TEST(ScenarioEngine, SamplesCountTheUnchokedPeers) {
  using record::testing::query_value;
  const ScratchDatabase database("unchoked");
  const RunResult result = run(small_swarm(6), {}, database.path());
  ASSERT_EQ(result.outcome, Outcome::completed) << result.detail;
  const std::string path = database.path();
  EXPECT_EQ(query_value(path, "SELECT count(*) FROM samples WHERE unchoked_peers IS NULL"), "0");
  EXPECT_EQ(query_value(path, "SELECT count(*) FROM samples WHERE unchoked_peers > connections"),
            "0");
  EXPECT_EQ(query_value(path, "SELECT max(unchoked_peers) > 0 FROM samples"), "1");
}

TEST(ScenarioEngine, CorruptGroupIsCaughtAndNoCorruptPieceIsAccepted) {
  const std::string text =
      small_swarm(10) + "\n[groups.liars]\ncount = 2\nbandwidth = \"fast\"\ncorrupt = true\n";
  const RunResult result = run(text);
  // The honest leechers complete; the end-of-run check found no corrupt copy among them.
  EXPECT_EQ(result.outcome, Outcome::completed) << result.detail;
  EXPECT_GT(result.hash_failures, 0u);
  EXPECT_GT(result.bans, 0u);
}

std::string library_scenario(const std::string& name) {
  std::ifstream file(std::string(SWARMLAB_SOURCE_DIR) + "/scenarios/library/" + name + ".toml");
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

const std::string bans_by_group =
    "SELECT h.group_name, count(*) FROM events AS e JOIN hosts AS h "
    "ON h.run_id = e.run_id AND h.host_id = e.remote_host_id WHERE e.kind = 'banned' "
    "GROUP BY h.group_name ORDER BY h.group_name";

// Three liars among sixty: every ban falls on a liar. Honest peers that shared failed pieces with
// them are cleared by the good copy (block digests) and kept apart from them by parole; trust
// points alone banned some (two here, with this seed).
TEST(ScenarioEngine, OnlyLiarsAreBanned) {
  using record::testing::query;
  const ScratchDatabase database("liars");
  const RunResult result = run(library_scenario("corrupt_peer"), {}, database.path());
  ASSERT_EQ(result.outcome, Outcome::time_limit) << result.detail;
  const auto bans = query(database.path(), bans_by_group);
  ASSERT_EQ(bans.size(), 1u) << bans.size() << " groups banned";
  EXPECT_EQ(bans[0][0], "liars");
  EXPECT_GT(std::stoi(bans[0][1]), 50);
}

TEST(ScenarioEngine, CorruptOnlySeedNeverGetsAPieceAccepted) {
  // The only seed lies: no leecher can complete (a corrupt peer counts as a fault, so liveness is
  // not at stake), and the run ends at the time limit without a corrupt piece accepted.
  const RunResult result =
      run(small_swarm(3), {"groups.seed.corrupt=true", "stop.time_limit_s=120"});
  EXPECT_EQ(result.outcome, Outcome::time_limit) << result.detail;
  EXPECT_EQ(result.leechers_completed, 0u);
  EXPECT_GT(result.hash_failures, 0u);
}

TEST(ScenarioEngine, LivenessViolationStopsTheRun) {
  // A 1 MiB torrent through a 8 kbps seed cannot complete within 30 s.
  const RunResult result =
      run(small_swarm(3), {"network.classes.fast.upload_kbps=8", "stop.liveness_deadline_s=30"});
  EXPECT_EQ(result.outcome, Outcome::failed);
  EXPECT_THAT(result.detail, HasSubstr("liveness"));
  EXPECT_LT(result.end_time, net::time_zero + std::chrono::seconds(60));
}

TEST(ScenarioEngine, LeaveOnCompletionEmptiesTheSwarm) {
  const RunResult result = run(small_swarm(6), {"groups.leechers.departure.policy=on_completion"});
  EXPECT_EQ(result.outcome, Outcome::completed) << result.detail;
  EXPECT_EQ(result.leechers_completed, 6u);
}

// One leecher 430 ms of round trip away from the seed: a 16 KiB receive window lets through 16 KiB
// per round trip (about 38 kB/s), far below the links' rates, which the default window reaches.
TEST(ScenarioEngine, ReceiveWindowLimitsAFlowOverALongPath) {
  const std::vector<std::string> far = {"network.core_latency_ms=200"};
  std::vector<std::string> narrow = far;
  narrow.push_back("network.receive_window=\"16 KiB\"");
  const RunResult wide_result = run(small_swarm(1), far);
  const RunResult narrow_result = run(small_swarm(1), narrow);
  ASSERT_EQ(wide_result.download_times_seconds.size(), 1u) << wide_result.detail;
  ASSERT_EQ(narrow_result.download_times_seconds.size(), 1u) << narrow_result.detail;
  const double window_bound_seconds = 1024.0 * 1024.0 / (16.0 * 1024.0 / 0.43);
  EXPECT_GT(narrow_result.download_times_seconds[0], 0.9 * window_bound_seconds);
  EXPECT_GT(narrow_result.download_times_seconds[0], 3 * wide_result.download_times_seconds[0]);
}

TEST(ScenarioEngine, CrashAndRestartComplete) {
  const std::string text =
      small_swarm(6) +
      "\n[[faults]]\nat_s = 8\naction = \"crash\"\ngroups = [\"leechers\"]\n"
      "\n[[faults]]\nat_s = 20\naction = \"restart\"\ngroups = [\"leechers\"]\n";
  const RunResult result = run(text);
  EXPECT_EQ(result.outcome, Outcome::completed) << result.detail;
  EXPECT_EQ(result.leechers_completed, 6u);
}

TEST(ScenarioEngine, PartitionThenHealCompletes) {
  const std::string text = small_swarm(6) +
                           "\n[[faults]]\nat_s = 0.5\naction = \"partition\"\ngroups = [\"seed\"]\n"
                           "\n[[faults]]\nat_s = 40\naction = \"heal\"\n";
  const RunResult result = run(text);
  EXPECT_EQ(result.outcome, Outcome::completed) << result.detail;
  // Nobody could complete while the only seed was cut off.
  for (double time : result.download_times_seconds)
    EXPECT_GT(time, 30.0);
}

TEST(ScenarioEngine, PeersAnnounceToTheScenarioTracker) {
  const ScratchDatabase database("tracker");
  const RunResult result =
      run(small_swarm(6, /*tracker=*/true),
          {"peer_discovery=tracker", "trackers.main.protocol=udp"}, database.path());
  EXPECT_EQ(result.outcome, Outcome::completed) << result.detail;
  EXPECT_EQ(result.leechers_completed, 6u);
}

}  // namespace
}  // namespace swarmlab::scenarios_test
