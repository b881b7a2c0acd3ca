// Scenario files: TOML text (plus `--set key.path=value` overrides) to a checked ScenarioSpec.
// Every mistake is collected with its place (file:line:column, or the override that caused it)
// before anything runs: unknown keys, wrong types, impossible values, names that refer to nothing.
// Part of scenarios/; reads a file only for `arrival.file`.
#pragma once

#include "scenarios/spec.hpp"

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace swarmlab::scenarios {

// Bounds that keep a scenario a scenario (a larger one is a typing mistake).
namespace limits {
inline constexpr std::size_t scenario_text_size_max = 1024 * 1024;
inline constexpr std::uint32_t group_count_max = 64;
inline constexpr std::uint32_t host_count_max = 200'000;
inline constexpr std::size_t fault_count_max = 1024;
inline constexpr std::size_t arrival_times_max = host_count_max;
// Room for arrival_times_max lines of a number each, with comments.
inline constexpr std::size_t arrival_file_size_max = 64 * arrival_times_max;
inline constexpr std::uint32_t file_count_max = 10'000;
inline constexpr std::uint32_t piece_count_max = 1u << 22;
inline constexpr std::uint32_t piece_length_bytes_min = 16 * 1024;
inline constexpr std::uint32_t piece_length_bytes_max = 64 * 1024 * 1024;
// Simulated TCP buffers: the receive window must hold a link chunk (16 KiB) for data to move.
inline constexpr std::uint64_t stream_buffer_bytes_min = 1024;
inline constexpr std::uint64_t receive_window_bytes_min = 16 * 1024;
inline constexpr std::uint64_t stream_buffer_bytes_max = 64 * 1024 * 1024;
inline constexpr std::int64_t duration_seconds_max = 10LL * 365 * 24 * 3600;
inline constexpr std::size_t override_count_max = 256;
// Real payload keeps every peer's copy in memory: bound the product.
inline constexpr std::uint64_t real_payload_bytes_total_max = 4ULL * 1024 * 1024 * 1024;
static_assert(piece_length_bytes_min <= piece_length_bytes_max);
}  // namespace limits

struct Diagnostic {
  std::string source;  // a file path, or "--set KEY"
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::string message{};
};
// "file:line:column: message" (or "source: message" without a place).
std::string format(const Diagnostic& diagnostic);

struct LoadedScenario {
  ScenarioSpec spec{};
  // The file as it was read, and every effective parameter (after overrides) as JSON.
  std::string text{};
  std::string parameters_json{};
};

using LoadResult = std::variant<LoadedScenario, std::vector<Diagnostic>>;

// Parses scenario text. `source` names it in diagnostics; `folder` resolves relative paths
// (arrival files); `overrides` are "key.path=value" (the value in TOML syntax, or a bare string).
LoadResult parse_scenario(std::string_view text, const std::string& source,
                          const std::filesystem::path& folder,
                          std::span<const std::string> overrides);
// Reads and parses a scenario file; the scenario's name defaults to the file's stem.
LoadResult load_scenario(const std::filesystem::path& path, std::span<const std::string> overrides);

}  // namespace swarmlab::scenarios
