// Reads back the digest of the rows a finished run recorded (`runs.rows_hash`), to compare two
// runs of the same scenario for determinism. Part of scenarios/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace swarmlab::scenarios {

// nullopt when the database or the run cannot be read.
std::optional<std::string> read_rows_hash(const std::string& database_path, std::int64_t run_id);

}  // namespace swarmlab::scenarios
