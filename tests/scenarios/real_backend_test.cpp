// The engine on real sockets: a small swarm of RealHosts on loopback completes in wall-clock time
// and is recorded (backend 'real', no trace hash); peers that announce to a real tracker complete;
// a crashed group restarts and completes; a swarm without a seed stops at the wall-clock bound;
// and the review names what the real backend cannot run or ignores.
#include "scenarios/real_backend.hpp"
#include "tests/record/scratch.hpp"
#include "tests/scenarios/scenario_text.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

namespace swarmlab::scenarios_test {
namespace {

using namespace std::chrono_literals;
using record::Outcome;
using record::testing::query_value;
using record::testing::ScratchDirectory;
using scenarios::RunResult;
using ::testing::HasSubstr;

// Every test run stops by itself well before this, whatever happens.
constexpr net::Duration wall_bound = 25s;

RunResult run_real(const std::string& text, const std::vector<std::string>& overrides = {},
                   std::optional<std::string> database = std::nullopt,
                   net::Duration bound = wall_bound) {
  const scenarios::LoadedScenario scenario = parse_valid(text, overrides);
  EXPECT_THAT(scenarios::review_for_real_backend(scenario.spec).errors, ::testing::IsEmpty());
  return scenarios::run_scenario(scenario, {.backend = record::Backend::real,
                                            .real_duration_max = bound,
                                            .database_path = std::move(database)});
}

double seconds(net::TimePoint time) {
  return std::chrono::duration<double>(time.time_since_epoch()).count();
}

TEST(RealBackend, SmallSwarmCompletesOnLoopbackAndIsRecorded) {
  const ScratchDirectory scratch;
  const std::string database = scratch.file("real.sqlite");
  const RunResult result = run_real(small_swarm(4), {}, database);
  ASSERT_EQ(result.outcome, Outcome::completed) << result.detail;
  EXPECT_EQ(result.backend, record::Backend::real);
  EXPECT_EQ(result.leechers_total, 4u);
  EXPECT_EQ(result.leechers_completed, 4u);
  EXPECT_FALSE(result.trace_hash);
  EXPECT_TRUE(result.trace_hash_hex.empty());
  EXPECT_LT(seconds(result.end_time), net::to_seconds(wall_bound));
  // Every leecher downloaded the whole torrent (1 MiB) over real sockets.
  EXPECT_GE(result.payload_downloaded_bytes, 4u * 1024 * 1024);
  EXPECT_GE(result.payload_uploaded_bytes, result.payload_downloaded_bytes);

  EXPECT_EQ(query_value(database, "SELECT backend FROM runs"), "real");
  EXPECT_EQ(query_value(database, "SELECT outcome FROM runs"), "completed");
  EXPECT_EQ(query_value(database, "SELECT trace_hash IS NULL FROM runs"), "1");
  EXPECT_EQ(query_value(database, "SELECT COUNT(*) FROM hosts"), "5");
  EXPECT_EQ(query_value(database, "SELECT COUNT(*) FROM hosts WHERE address LIKE '127.100.%'"),
            "5");
  EXPECT_EQ(query_value(database, "SELECT COUNT(*) FROM events WHERE kind = 'joined'"), "5");
  EXPECT_EQ(query_value(database, "SELECT COUNT(*) FROM events WHERE kind = 'completed'"), "4");
  EXPECT_EQ(query_value(database,
                        "SELECT COUNT(*) FROM hosts WHERE complete_ns IS NOT NULL AND "
                        "role = 'leecher'"),
            "4");
  // 16 pieces per leecher, each verified once.
  EXPECT_EQ(query_value(database, "SELECT COUNT(*) FROM events WHERE kind = 'piece_verified'"),
            "64");
  // Blocks received name the host that sent them (resolved by loopback address).
  EXPECT_EQ(query_value(database,
                        "SELECT COUNT(*) FROM events WHERE kind = 'block_received' AND "
                        "remote_host_id IS NULL"),
            "0");
  EXPECT_NE(query_value(database, "SELECT COUNT(*) FROM samples"), "0");
  // Times are relative to the start of the run and within it.
  EXPECT_EQ(query_value(database, "SELECT MIN(time_ns) >= 0 FROM events"), "1");
  EXPECT_EQ(query_value(database,
                        "SELECT MAX(time_ns) <= (SELECT duration_ns FROM runs) FROM "
                        "events"),
            "1");
}

TEST(RealBackend, PeersAnnouncingToARealTrackerComplete) {
  const std::string text = "peer_discovery = \"tracker\"\n" + small_swarm(3, /*tracker=*/true);
  const ScratchDirectory scratch;
  const std::string database = scratch.file("tracker.sqlite");
  const RunResult result = run_real(text, {}, database);
  ASSERT_EQ(result.outcome, Outcome::completed) << result.detail;
  EXPECT_EQ(result.leechers_completed, 3u);
  // The tracker (host 0) served a started announce from every peer.
  EXPECT_EQ(query_value(database,
                        "SELECT COUNT(DISTINCT remote_host_id) FROM events WHERE "
                        "kind = 'tracker_announce' AND host_id = 0"),
            "4");
}

TEST(RealBackend, CrashedGroupRestartsAndCompletes) {
  const std::string text = small_swarm(4) +
                           "\n[groups.late]\ncount = 2\nbandwidth = \"slow\"\n"
                           "\n[[faults]]\nat_s = 0.5\naction = \"crash\"\ngroups = [\"late\"]\n"
                           "\n[[faults]]\nat_s = 1.5\naction = \"restart\"\ngroups = [\"late\"]\n";
  const ScratchDirectory scratch;
  const std::string database = scratch.file("crash.sqlite");
  const RunResult result = run_real(text, {}, database);
  ASSERT_EQ(result.outcome, Outcome::completed) << result.detail;
  EXPECT_EQ(result.leechers_completed, 6u);
  EXPECT_EQ(query_value(database,
                        "SELECT COUNT(*) FROM events WHERE kind = 'left' AND "
                        "extra = 'crashed'"),
            "2");
}

TEST(RealBackend, StopsAtTheWallClockBound) {
  // The seed holds only half of the pieces: nobody can complete.
  const std::string without_seed = [&] {
    std::string edited = small_swarm(2);
    edited.replace(edited.find("content = \"seed\""), 16, "content = 0.5   ");
    return edited;
  }();
  const auto started = std::chrono::steady_clock::now();
  const RunResult result = run_real(without_seed, {"seed=9"}, std::nullopt, 2s);
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_EQ(result.outcome, Outcome::time_limit) << result.detail;
  EXPECT_THAT(result.detail, HasSubstr("wall-clock bound (2 s)"));
  EXPECT_GE(seconds(result.end_time), 2.0);
  EXPECT_LT(wall, 10.0);
}

TEST(RealBackend, ReviewRejectsWhatLoopbackCannotDoAndWarnsAboutLatency) {
  const std::string text = small_swarm(4) +
                           "\n[[faults]]\nat_s = 1\naction = \"partition\"\ngroups = [\"seed\"]\n"
                           "\n[[faults]]\nat_s = 2\naction = \"heal\"\n"
                           "\n[[faults]]\nat_s = 3\naction = \"set_link\"\ngroups = [\"seed\"]\n"
                           "bandwidth = \"slow\"\n";
  const scenarios::RealBackendReview review =
      scenarios::review_for_real_backend(parse_valid(text).spec);
  ASSERT_EQ(review.errors.size(), 2u);
  EXPECT_THAT(review.errors[0], HasSubstr("faults.0: 'partition'"));
  EXPECT_THAT(review.errors[1], HasSubstr("faults.2: 'set_link'"));
  ASSERT_EQ(review.warnings.size(), 1u);
  EXPECT_THAT(review.warnings[0], HasSubstr("latencies"));

  const auto too_many = scenarios::review_for_real_backend(
      parse_valid(small_swarm(4), {"groups.leechers.count=250"}).spec);
  ASSERT_EQ(too_many.errors.size(), 1u);
  EXPECT_THAT(too_many.errors[0], HasSubstr("251 hosts"));

  const auto no_latency = scenarios::review_for_real_backend(
      parse_valid(small_swarm(4), {"network.core_latency_ms=0", "network.classes.slow.latency_ms=0",
                                   "network.classes.fast.latency_ms=0"})
          .spec);
  EXPECT_TRUE(no_latency.errors.empty());
  EXPECT_TRUE(no_latency.warnings.empty());
}

}  // namespace
}  // namespace swarmlab::scenarios_test
