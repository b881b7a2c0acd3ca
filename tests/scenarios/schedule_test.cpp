// The draws a scenario makes before it runs: each arrival process, each departure policy, class
// shares, initial content.
#include "scenarios/schedule.hpp"
#include "tests/scenarios/scenario_text.hpp"

#include <fmt/core.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

namespace swarmlab::scenarios_test {
namespace {

using namespace std::chrono_literals;
using scenarios::ArrivalProcess;
using scenarios::GroupSpec;

double seconds(net::Duration duration) {
  return std::chrono::duration<double>(duration).count();
}

GroupSpec group_of(std::uint32_t count, scenarios::Arrival arrival) {
  GroupSpec group;
  group.count = count;
  group.arrival = std::move(arrival);
  return group;
}

TEST(ScenarioArrivals, AtOnceAllArriveAtTheStart) {
  net::Rng rng(1);
  const auto times =
      scenarios::arrival_times(group_of(5, {.process = ArrivalProcess::at_once, .start = 7s}), rng);
  EXPECT_EQ(times, std::vector<net::Duration>(5, 7s));
}

TEST(ScenarioArrivals, UniformStaysInItsWindowAndSpreads) {
  net::Rng rng(2);
  const auto times = scenarios::arrival_times(
      group_of(1000, {.process = ArrivalProcess::uniform, .start = 10s, .window = 20s}), rng);
  ASSERT_EQ(times.size(), 1000u);
  EXPECT_TRUE(std::is_sorted(times.begin(), times.end()));
  EXPECT_GE(times.front(), 10s);
  EXPECT_LE(times.back(), 30s);
  // Each quarter of the window gets about a quarter of the arrivals.
  std::map<int, int> quarters;
  for (net::Duration time : times)
    ++quarters[static_cast<int>((seconds(time) - 10) / 5)];
  for (int quarter = 0; quarter < 4; ++quarter) {
    EXPECT_GT(quarters[quarter], 200) << quarter;
    EXPECT_LT(quarters[quarter], 300) << quarter;
  }
}

TEST(ScenarioArrivals, PoissonGapsHaveMeanOneOverRate) {
  net::Rng rng(3);
  const auto times = scenarios::arrival_times(
      group_of(4000, {.process = ArrivalProcess::poisson, .start = 5s, .rate_per_second = 2.0}),
      rng);
  ASSERT_EQ(times.size(), 4000u);
  EXPECT_GT(times.front(), 5s);
  const double mean_gap = (seconds(times.back()) - 5.0) / 4000.0;
  EXPECT_NEAR(mean_gap, 0.5, 0.05);
  // Exponential gaps: about e^-1 of them are longer than the mean.
  int longer = 0;
  for (std::size_t index = 1; index < times.size(); ++index)
    longer += seconds(times[index] - times[index - 1]) > 0.5 ? 1 : 0;
  EXPECT_NEAR(longer / 3999.0, 0.3679, 0.04);
}

TEST(ScenarioArrivals, FileGivesItsTimesAndTheCount) {
  const std::filesystem::path folder = std::filesystem::temp_directory_path();
  const std::string name = "swarmlab-arrivals-" + std::to_string(::getpid()) + ".txt";
  {
    std::ofstream file(folder / name);
    file << "# arrival times\n3.5\n\n1\n12.25\n";
  }
  const std::string text =
      "[groups.a]\narrival = { process = \"file\", file = \"" + name + "\" }\n";
  scenarios::LoadResult result = scenarios::parse_scenario(text, "test.toml", folder, {});
  std::filesystem::remove(folder / name);
  ASSERT_TRUE(std::holds_alternative<scenarios::LoadedScenario>(result));
  const GroupSpec& group = std::get<scenarios::LoadedScenario>(result).spec.groups.at(0);
  EXPECT_EQ(group.count, 3u);
  net::Rng rng(4);
  EXPECT_EQ(scenarios::arrival_times(group, rng),
            (std::vector<net::Duration>{1s, 3500ms, 12250ms}));
}

TEST(ScenarioArrivals, FileWithABadLineIsAMistake) {
  const std::filesystem::path folder = std::filesystem::temp_directory_path();
  const std::string name = "swarmlab-bad-arrivals-" + std::to_string(::getpid()) + ".txt";
  {
    std::ofstream file(folder / name);
    file << "1\nsoon\n";
  }
  const std::string text =
      "[groups.a]\narrival = { process = \"file\", file = \"" + name + "\" }\n";
  scenarios::LoadResult result = scenarios::parse_scenario(text, "test.toml", folder, {});
  std::filesystem::remove(folder / name);
  const auto* errors = std::get_if<std::vector<scenarios::Diagnostic>>(&result);
  ASSERT_NE(errors, nullptr);
  ASSERT_EQ(errors->size(), 1u);
  EXPECT_EQ(scenarios::format(errors->front()),
            (folder / name).string() + ":2: not a number of seconds >= 0: 'soon'");
}

// A file named by mistake that never ends (here a device) is refused after a bounded read instead
// of being read until memory runs out.
TEST(ScenarioArrivals, FileWithoutEndIsRefusedAfterABoundedRead) {
  const std::string text = "[groups.a]\narrival = { process = \"file\", file = \"/dev/zero\" }\n";
  scenarios::LoadResult result =
      scenarios::parse_scenario(text, "test.toml", std::filesystem::temp_directory_path(), {});
  const auto* errors = std::get_if<std::vector<scenarios::Diagnostic>>(&result);
  ASSERT_NE(errors, nullptr);
  ASSERT_EQ(errors->size(), 1u);
  EXPECT_EQ(scenarios::format(errors->front()),
            fmt::format("test.toml:2:38: arrival file /dev/zero: larger than {} bytes",
                        scenarios::limits::arrival_file_size_max));
}

TEST(ScenarioDepartures, EachPolicy) {
  using scenarios::DeparturePolicy;
  net::Rng rng(5);
  EXPECT_FALSE(scenarios::seeding_time({.policy = DeparturePolicy::stay}, rng));
  EXPECT_EQ(scenarios::seeding_time({.policy = DeparturePolicy::on_completion}, rng),
            std::optional<net::Duration>(0s));
  EXPECT_EQ(scenarios::seeding_time({.policy = DeparturePolicy::seed_for, .seed_time = 90s}, rng),
            std::optional<net::Duration>(90s));
  double total = 0;
  constexpr int draws = 4000;
  for (int draw = 0; draw < draws; ++draw) {
    const auto time =
        scenarios::seeding_time({.policy = DeparturePolicy::exponential, .seed_time = 60s}, rng);
    ASSERT_TRUE(time);
    total += seconds(*time);
  }
  EXPECT_NEAR(total / draws, 60.0, 3.0);
}

TEST(ScenarioClasses, SharesSplitTheCountByLargestRemainders) {
  GroupSpec group;
  group.count = 101;
  group.classes = {{.class_index = 0, .weight = 20},
                   {.class_index = 1, .weight = 40},
                   {.class_index = 2, .weight = 25},
                   {.class_index = 3, .weight = 15}};
  net::Rng rng(6);
  const auto classes = scenarios::class_assignment(group, rng);
  ASSERT_EQ(classes.size(), 101u);
  std::map<std::size_t, int> counts;
  for (const auto& bandwidth : classes)
    ++counts[bandwidth.value()];
  // Exact shares 20.2, 40.4, 25.25, 15.15: the one left over goes to the largest remainder (.4).
  EXPECT_EQ(counts[0], 20);
  EXPECT_EQ(counts[1], 41);
  EXPECT_EQ(counts[2], 25);
  EXPECT_EQ(counts[3], 15);
}

TEST(ScenarioContent, FractionHoldsAboutThatShare) {
  net::Rng rng(7);
  const auto pieces = scenarios::initial_pieces(
      {.kind = scenarios::ContentKind::fraction, .fraction = 0.25}, 4000, rng);
  const auto held = std::count(pieces.begin(), pieces.end(), true);
  EXPECT_NEAR(static_cast<double>(held) / 4000.0, 0.25, 0.03);
  const auto seed = scenarios::initial_pieces({.kind = scenarios::ContentKind::seed}, 10, rng);
  EXPECT_EQ(std::count(seed.begin(), seed.end(), true), 10);
}

}  // namespace
}  // namespace swarmlab::scenarios_test
