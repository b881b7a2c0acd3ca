// Whole-file reads with a size limit, and writes that never leave a half-written file behind
// (torrent files, whitelists, scenario and arrival files).
#pragma once

#include <boost/system/result.hpp>

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace swarmlab::net {

// The file's bytes; std::errc::file_too_large if it is longer than `size_max`.
boost::system::result<std::string, std::error_code> read_file(const std::filesystem::path& path,
                                                              std::size_t size_max);

// Writes `bytes` to a temporary file next to `path`, flushes it to disk, then renames it over
// `path`: readers see the old file or the complete new one, never a part. On failure the
// temporary file is removed and `path` is untouched.
std::error_code write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

}  // namespace swarmlab::net
