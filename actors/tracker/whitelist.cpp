#include "actors/tracker/whitelist.hpp"

#include "actors/tracker/limits.hpp"
#include "protocol/error_category.hpp"

#include <algorithm>
#include <cassert>

namespace swarmlab::tracker {
namespace {

const char* describe(WhitelistError error) {
  switch (error) {
    case WhitelistError::bad_info_hash:
      return "not a 40-digit hexadecimal info-hash";
    case WhitelistError::too_many_info_hashes:
      return "too many info-hashes";
    case WhitelistError::too_large:
      return "access list too large";
  }
  return "unknown access list error";
}

std::string_view trim(std::string_view text) {
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (!text.empty() && blank(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && blank(text.back()))
    text.remove_suffix(1);
  return text;
}

}  // namespace

const std::error_category& whitelist_error_category() {
  static const protocol::EnumErrorCategory<WhitelistError> category("tracker-whitelist", describe);
  return category;
}

protocol::ParseResult<std::vector<protocol::InfoHash>> parse_whitelist(std::string_view text) {
  using protocol::ParseError;
  if (text.size() > limits::whitelist_file_size_bytes_max) {
    return ParseError{WhitelistError::too_large, limits::whitelist_file_size_bytes_max};
  }
  std::vector<protocol::InfoHash> hashes;
  std::size_t line_start = 0;
  while (line_start < text.size()) {
    std::size_t line_end = text.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = text.size();
    const std::string_view line = trim(text.substr(line_start, line_end - line_start));
    if (!line.empty() && line.front() != '#') {
      const auto hash = protocol::from_hex<20>(line);
      if (!hash) return ParseError{WhitelistError::bad_info_hash, line_start};
      if (hashes.size() == limits::whitelist_count_max) {
        return ParseError{WhitelistError::too_many_info_hashes, line_start};
      }
      hashes.push_back(*hash);
    }
    line_start = line_end + 1;
  }
  std::sort(hashes.begin(), hashes.end());
  hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
  assert(hashes.size() <= limits::whitelist_count_max);
  return hashes;
}

}  // namespace swarmlab::tracker
