// The private-mode access list: the info-hashes a tracker serves, read from text with one
// 40-digit hexadecimal info-hash per line (the format opentracker's -w file uses, so one file
// serves both). Blank lines and lines starting with '#' are skipped; spaces, tabs and a trailing
// carriage return around a hash are ignored. Part of actors/tracker; pure parsing, no I/O.
#pragma once

#include "protocol/error.hpp"
#include "protocol/sha1.hpp"

#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

namespace swarmlab::tracker {

enum class WhitelistError {
  bad_info_hash = 1,     // a line that is not 40 hexadecimal digits (offset: the line's start)
  too_many_info_hashes,  // above limits::whitelist_count_max
  too_large,             // text above limits::whitelist_file_size_bytes_max
};

const std::error_category& whitelist_error_category();
inline std::error_code make_error_code(WhitelistError error) {
  return {static_cast<int>(error), whitelist_error_category()};
}

// Sorted, without duplicates.
protocol::ParseResult<std::vector<protocol::InfoHash>> parse_whitelist(std::string_view text);

}  // namespace swarmlab::tracker

template <>
struct std::is_error_code_enum<swarmlab::tracker::WhitelistError> : std::true_type {};
