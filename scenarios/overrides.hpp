// `--set key.path=value` overrides, applied to a scenario's TOML tree before it is decoded, so an
// override is checked exactly like the file's own value. Path segments name table keys (created
// when absent) or, as numbers, elements of an array (`faults.0.at_s`). The value is TOML
// (`30`, `2.5`, `true`, `"text"`, `[1, 2]`, `{ a = 1 }`); anything that is not TOML is taken as a
// string (`--set payload=real`). Part of scenarios/.
#pragma once

#include "scenarios/table_reader.hpp"

#include <toml++/toml.h>

#include <string>

namespace swarmlab::scenarios {

inline constexpr std::size_t override_path_depth_max = 16;

// Applies one override; a malformed one is reported as a diagnostic naming it.
void apply_override(toml::table& root, const std::string& override_text, Diagnostics& diagnostics);

}  // namespace swarmlab::scenarios
