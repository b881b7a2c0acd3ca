// Magnet URIs (BEP 9, BEP 53): parsing and generation.
//
//   magnet:?xt=urn:btih:<40 hex | 32 base32>&xt=urn:btmh:<multihash hex>&dn=<name>&tr=<url>...
//          &x.pe=<host:port>...&ws=<url>...&so=0,2,4-6
//
// `xt=urn:btih:` carries a v1 info-hash; `xt=urn:btmh:` carries a v2 (BEP 52) SHA-256 multihash,
// which is parsed and reported but cannot be downloaded (swarmlab speaks v1 only). Parameter values
// are percent-decoded strictly; a bad escape is an error at its byte offset. Numbered parameter
// names (`tr.1`, `xt.2`) count as their base name. Unknown parameters and exact topics of other
// networks (urn:ed2k, ...) are ignored.
#pragma once

#include "protocol/error.hpp"
#include "protocol/peer_address.hpp"
#include "protocol/sha1.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

namespace swarmlab::protocol {

inline constexpr std::size_t magnet_uri_size_max = 64 * 1024;
inline constexpr std::size_t magnet_parameter_count_max = 1024;
inline constexpr std::size_t magnet_select_only_range_count_max = 4096;

enum class MagnetError {
  not_magnet = 1,           // does not start with "magnet:?"
  uri_too_long,             // more than magnet_uri_size_max bytes
  too_many_parameters,      // more than magnet_parameter_count_max parameters
  parameter_without_value,  // a parameter with no '='
  bad_percent_escape,       // '%' not followed by two hexadecimal digits
  bad_btih,                 // urn:btih: value neither 40 hex nor 32 base32 characters
  bad_btmh,                 // urn:btmh: value not a hex SHA2-256 multihash (1220 + 64 hex)
  conflicting_info_hashes,  // two different urn:btih: (or two different urn:btmh:) topics
  missing_info_hash,        // neither urn:btih: nor urn:btmh:
  bad_peer_address,         // x.pe not host:port / ipv4:port / [ipv6]:port
  bad_select_only,          // so not a list of indices and inclusive ranges
  too_many_select_only,     // more than magnet_select_only_range_count_max so entries
  v2_only,                  // not a parse error: the link has no v1 info-hash to download
};

const std::error_category& magnet_error_category();
inline std::error_code make_error_code(MagnetError error) {
  return {static_cast<int>(error), magnet_error_category()};
}

// A v2 info-hash as carried by urn:btmh: (multihash function 0x12 = SHA2-256, 32 bytes).
using InfoHashV2 = std::array<std::uint8_t, 32>;

// BEP 53 "select only": inclusive range of file indices (first == last for a single index).
struct FileIndexRange {
  std::uint32_t first = 0;
  std::uint32_t last = 0;
  friend bool operator==(const FileIndexRange&, const FileIndexRange&) = default;
};

struct MagnetLink {
  std::optional<InfoHash> info_hash;        // urn:btih: (v1)
  std::optional<InfoHashV2> info_hash_v2;   // urn:btmh: (v2, reported only)
  std::string display_name;                 // dn (first one wins)
  std::vector<std::string> trackers;        // tr, in order of appearance
  std::vector<PeerAddress> peers;           // x.pe with a literal address
  std::vector<std::string> peer_hostnames;  // x.pe with a host name, "host:port" as given
  std::vector<std::string> web_seeds;       // ws (BEP 19)
  std::vector<FileIndexRange> select_only;  // so (BEP 53), as written (not merged or sorted)

  friend bool operator==(const MagnetLink&, const MagnetLink&) = default;
};

ParseResult<MagnetLink> parse_magnet(std::string_view uri);

// Generates a magnet URI: btih in lower-case hex, then btmh, dn, tr, ws, x.pe and so, each value
// percent-encoded. The link must carry at least one info-hash.
std::string to_magnet_uri(const MagnetLink& link);

// MagnetError::v2_only when the link cannot be downloaded because it has no v1 info-hash; an empty
// error_code otherwise. Callers show the error's message to users.
std::error_code check_downloadable(const MagnetLink& link);

}  // namespace swarmlab::protocol

template <>
struct std::is_error_code_enum<swarmlab::protocol::MagnetError> : std::true_type {};
