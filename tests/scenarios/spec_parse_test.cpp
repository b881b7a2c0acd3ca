// Scenario files: defaults, every kind of mistake reported with its place, and overrides.
#include "scenarios/table_reader.hpp"
#include "tests/scenarios/scenario_text.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace swarmlab::scenarios_test {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ScenarioParse, SmallSwarmReadsEveryKey) {
  const scenarios::LoadedScenario loaded = parse_valid(small_swarm(12));
  const scenarios::ScenarioSpec& spec = loaded.spec;
  EXPECT_EQ(spec.name, "test_swarm");
  EXPECT_EQ(spec.seed, 5u);
  EXPECT_EQ(spec.payload, scenarios::PayloadMode::phantom);
  EXPECT_EQ(spec.sample_interval, 2s);
  EXPECT_EQ(spec.stop.time_limit, std::optional<net::Duration>(900s));
  EXPECT_TRUE(spec.stop.all_complete);
  EXPECT_EQ(spec.torrent.total_size_bytes, 1024u * 1024u);
  EXPECT_EQ(spec.torrent.piece_length_bytes, 64u * 1024u);
  ASSERT_EQ(spec.network.classes.size(), 2u);
  EXPECT_EQ(spec.network.classes[0].name, "slow");
  EXPECT_EQ(spec.network.classes[0].download_bytes_per_second, 250'000u);  // 2000 kbps
  EXPECT_EQ(spec.network.classes[1].latency, 5ms);
  ASSERT_EQ(spec.groups.size(), 2u);
  EXPECT_EQ(spec.groups[0].name, "seed");
  EXPECT_EQ(spec.groups[0].content.kind, scenarios::ContentKind::seed);
  EXPECT_EQ(spec.groups[1].count, 12u);
  EXPECT_EQ(spec.groups[1].arrival.process, scenarios::ArrivalProcess::uniform);
  EXPECT_EQ(spec.groups[1].arrival.window, 5s);
  EXPECT_EQ(spec.groups[1].classes.size(), 2u);
  EXPECT_THAT(loaded.parameters_json, HasSubstr("\"test_swarm\""));
}

TEST(ScenarioParse, UnknownKeyNamesItsLineAndColumn) {
  EXPECT_THAT(diagnostics_of(small_swarm() + "\n[torrent.extra]\n"),
              ElementsAre("test.toml:36:10: unknown key 'torrent.extra'"));
  EXPECT_THAT(diagnostics_of("seed = 1\n  colour = 3\n[groups.a]\n"),
              ElementsAre("test.toml:2:3: unknown key 'colour'"));
}

TEST(ScenarioParse, WrongTypeNamesTheValue) {
  EXPECT_THAT(diagnostics_of("seed = \"one\"\n[groups.a]\n"),
              ElementsAre("test.toml:1:8: seed must be an integer"));
  EXPECT_THAT(diagnostics_of("[groups.a]\ncount = 2.5\n"),
              ElementsAre("test.toml:2:9: groups.a.count must be an integer"));
}

TEST(ScenarioParse, ImpossibleValuesAreMistakes) {
  EXPECT_THAT(diagnostics_of("[torrent]\npiece_length = \"48 KiB\"\n[groups.a]\n"),
              ElementsAre("test.toml:2:16: torrent.piece_length must be a power of 2"));
  EXPECT_THAT(diagnostics_of("[groups.a]\ncontent = 1.5\n"),
              ElementsAre("test.toml:2:11: groups.a.content must be \"seed\", \"empty\" or a "
                          "fraction in [0, 1]"));
  EXPECT_THAT(diagnostics_of("[stop]\ntime_limit_s = 0\n[groups.a]\n"),
              ElementsAre("test.toml:2:16: stop.time_limit_s must be more than 0"));
  EXPECT_THAT(diagnostics_of("[groups.a]\nbandwidth = \"dsl\"\n"),
              ElementsAre("test.toml:2:13: groups.a.bandwidth: no bandwidth class 'dsl' in "
                          "network.classes"));
}

TEST(ScenarioParse, TomlSyntaxErrorHasAPlace) {
  const auto lines = diagnostics_of("seed = 1\nname = \n");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], HasSubstr("test.toml:2:"));
}

TEST(ScenarioParse, FaultsCheckTheirActionsKeys) {
  const std::string faults = small_swarm() +
                             "\n[[faults]]\nat_s = 3\naction = \"crash\"\ngroups = [\"nobody\"]\n"
                             "one_way = true\n";
  EXPECT_THAT(diagnostics_of(faults),
              ElementsAre("test.toml:36:1: faults.0: groups = [\"NAME\", ...] is missing",
                          "test.toml:39:11: faults.0.groups: not the name of a group",
                          "test.toml:40:11: faults.0.one_way does not apply to this action"));
}

TEST(ScenarioParse, NoGroupsIsAMistake) {
  EXPECT_THAT(diagnostics_of("seed = 1\n"),
              ElementsAre(HasSubstr("the scenario has no [groups.NAME]")));
}

TEST(ScenarioOverrides, ReplaceAndAddValues) {
  const scenarios::LoadedScenario loaded =
      parse_valid(small_swarm(12), {"groups.leechers.count=3", "payload=real", "seed=99",
                                    "groups.leechers.arrival.window_s=2.5"});
  EXPECT_EQ(loaded.spec.groups[1].count, 3u);
  EXPECT_EQ(loaded.spec.payload, scenarios::PayloadMode::real);
  EXPECT_EQ(loaded.spec.seed, 99u);
  EXPECT_EQ(loaded.spec.groups[1].arrival.window, 2500ms);
  EXPECT_THAT(loaded.parameters_json, HasSubstr("99"));
}

TEST(ScenarioOverrides, MistakesNameTheOverride) {
  EXPECT_THAT(diagnostics_of(small_swarm(), {"groups.leechers.count=many"}),
              ElementsAre("--set groups.leechers.count: groups.leechers.count must be an integer"));
  EXPECT_THAT(diagnostics_of(small_swarm(), {"torrent.colour=3"}),
              ElementsAre("--set torrent.colour: unknown key 'torrent.colour'"));
  // A table the override made up is named after the override too, not after the file.
  EXPECT_THAT(diagnostics_of(small_swarm(), {"nosuch.key=5"}),
              ElementsAre("--set nosuch.key: unknown key 'nosuch'"));
  EXPECT_THAT(diagnostics_of(small_swarm(), {"faults.0.at_s=1"}),
              ElementsAre("--set faults.0.at_s: there is no array 'faults' to index"));
  EXPECT_THAT(diagnostics_of(small_swarm(), {"novalue"}),
              ElementsAre("--set novalue: an override is KEY.PATH=VALUE"));
}

TEST(ScenarioOverrides, IndexIntoAnArray) {
  const std::string faults = small_swarm() + "\n[[faults]]\nat_s = 3\naction = \"heal\"\n";
  const scenarios::LoadedScenario loaded = parse_valid(faults, {"faults.0.at_s=7"});
  ASSERT_EQ(loaded.spec.faults.size(), 1u);
  EXPECT_EQ(loaded.spec.faults[0].at, 7s);
}

TEST(ScenarioParse, StreamBuffersAreSizesWithBounds) {
  const scenarios::LoadedScenario loaded = parse_valid(
      small_swarm(), {"network.send_buffer=\"16 KiB\"", "network.receive_window=262144"});
  EXPECT_EQ(loaded.spec.network.send_buffer_bytes, std::optional<std::uint64_t>(16 * 1024));
  EXPECT_EQ(loaded.spec.network.receive_window_bytes, std::optional<std::uint64_t>(256 * 1024));
  EXPECT_FALSE(parse_valid(small_swarm()).spec.network.send_buffer_bytes.has_value());
  EXPECT_THAT(diagnostics_of(small_swarm(), {"network.receive_window=\"8 KiB\""}),
              ElementsAre(HasSubstr("network.receive_window")));
  EXPECT_THAT(diagnostics_of(small_swarm(), {"network.send_buffer=0"}),
              ElementsAre(HasSubstr("network.send_buffer")));
}

TEST(ScenarioSizes, TextWithUnits) {
  EXPECT_EQ(scenarios::parse_size_text("100 MiB"), 100u * 1024 * 1024);
  EXPECT_EQ(scenarios::parse_size_text("256KiB"), 256u * 1024);
  EXPECT_EQ(scenarios::parse_size_text("10 MB"), 10'000'000u);
  EXPECT_EQ(scenarios::parse_size_text("4096"), 4096u);
  EXPECT_FALSE(scenarios::parse_size_text("12 XB"));
  EXPECT_FALSE(scenarios::parse_size_text("MiB"));
  EXPECT_FALSE(scenarios::parse_size_text("99999999999999999999 GiB"));
}

}  // namespace
}  // namespace swarmlab::scenarios_test
