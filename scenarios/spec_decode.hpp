// Decoding a scenario's TOML tree (overrides applied) into a ScenarioSpec, section by section,
// with every mistake reported at its place (docs/scenarios.md is the reference for every key).
// Part of scenarios/.
#pragma once

#include "scenarios/spec.hpp"
#include "scenarios/table_reader.hpp"

#include <toml++/toml.h>

#include <filesystem>

namespace swarmlab::scenarios {

void decode_scenario(const toml::table& root, const std::filesystem::path& folder,
                     ScenarioSpec& spec, Diagnostics& diagnostics);

// Arrival times from a file: one number of seconds per line; blank lines and lines starting with
// '#' are skipped. Problems are reported against `source` (the `file` key's value).
std::optional<std::vector<net::Duration>> read_arrival_times(const std::filesystem::path& path,
                                                             const toml::node& source,
                                                             Diagnostics& diagnostics);

}  // namespace swarmlab::scenarios
