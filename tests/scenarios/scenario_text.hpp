// Scenario texts for the tests: a small valid swarm, and helpers to parse text or run it.
#pragma once

#include "scenarios/engine.hpp"
#include "scenarios/spec_parse.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace swarmlab::scenarios_test {

// One seed and `leechers` leechers on two link classes, 1 MiB in 64 KiB pieces, no tracker (direct
// discovery) unless `tracker`.
inline std::string small_swarm(int leechers = 12, bool tracker = false) {
  std::string text = R"(name = "test_swarm"
seed = 5
payload = "phantom"
sample_interval_s = 2

[stop]
time_limit_s = 900

[torrent]
size = "1 MiB"
piece_length = "64 KiB"

[network]
core_latency_ms = 10

[network.classes.slow]
download_kbps = 2000
upload_kbps = 800
latency_ms = 10

[network.classes.fast]
download_kbps = 8000
upload_kbps = 4000
latency_ms = 5

[groups.seed]
count = 1
bandwidth = "fast"
content = "seed"

[groups.leechers]
bandwidth = { slow = 1, fast = 1 }
arrival = { process = "uniform", window_s = 5 }
)";
  text += "count = " + std::to_string(leechers) + "\n";
  if (tracker) text += "\n[trackers.main]\ninterval_s = 60\n";
  return text;
}

inline scenarios::LoadResult parse(const std::string& text,
                                   const std::vector<std::string>& overrides = {}) {
  return scenarios::parse_scenario(text, "test.toml", ".", overrides);
}

inline scenarios::LoadedScenario parse_valid(const std::string& text,
                                             const std::vector<std::string>& overrides = {}) {
  scenarios::LoadResult result = parse(text, overrides);
  if (auto* errors = std::get_if<std::vector<scenarios::Diagnostic>>(&result)) {
    std::string all;
    for (const auto& diagnostic : *errors)
      all += scenarios::format(diagnostic) + "\n";
    ADD_FAILURE() << all;
    return {};
  }
  return std::get<scenarios::LoadedScenario>(std::move(result));
}

inline std::vector<std::string> diagnostics_of(const std::string& text,
                                               const std::vector<std::string>& overrides = {}) {
  std::vector<std::string> lines;
  scenarios::LoadResult result = parse(text, overrides);
  if (auto* errors = std::get_if<std::vector<scenarios::Diagnostic>>(&result)) {
    for (const auto& diagnostic : *errors)
      lines.push_back(scenarios::format(diagnostic));
  }
  return lines;
}

}  // namespace swarmlab::scenarios_test
