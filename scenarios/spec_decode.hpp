// Decoding a scenario's TOML tree (overrides applied) into a ScenarioSpec, section by section,
// with every mistake reported at its place (docs/scenarios.md is the reference for every key).
// Part of scenarios/.
#pragma once

#include "scenarios/spec.hpp"
#include "scenarios/table_reader.hpp"

#include <toml++/toml.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <system_error>

namespace swarmlab::scenarios {

void decode_scenario(const toml::table& root, const std::filesystem::path& folder,
                     ScenarioSpec& spec, Diagnostics& diagnostics);

// Why a file a scenario names could not be read: "larger than N bytes" past its limit, otherwise
// the system's reason.
std::string describe_read_error(std::error_code error, std::size_t size_max);

// Arrival times from a file: one number of seconds per line; blank lines and lines starting with
// '#' are skipped. Problems are reported against `source` (the `file` key's value).
std::optional<std::vector<net::Duration>> read_arrival_times(const std::filesystem::path& path,
                                                             const toml::node& source,
                                                             Diagnostics& diagnostics);

}  // namespace swarmlab::scenarios
