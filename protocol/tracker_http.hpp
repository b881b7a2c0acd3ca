// HTTP tracker messages (BEP 3, 7, 23, 48), for the client and for the tracker server.
//
// Client: build the announce URL (binary info_hash and peer_id percent-encoded, every BEP 3
// parameter plus compact, no_peer_id, numwant, key, trackerid), parse the bencoded announce
// response (compact IPv4 `peers`, BEP 7 `peers6`, or a list of peer dictionaries), derive the
// scrape URL and parse the scrape response.
// Server: parse an announce or scrape query string strictly, and encode announce, scrape and
// failure responses.
#pragma once

#include "protocol/error.hpp"
#include "protocol/peer_address.hpp"
#include "protocol/sha1.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

namespace swarmlab::protocol::tracker_http {

inline constexpr std::size_t response_size_max = 4 * 1024 * 1024;
inline constexpr std::size_t peer_count_max = 10'000;
inline constexpr std::size_t query_size_max = 32 * 1024;
inline constexpr std::size_t scrape_info_hash_count_max = 256;
// A scrape of the most torrents allowed, plus room for other parameters.
inline constexpr std::size_t query_parameter_count_max = scrape_info_hash_count_max + 64;
inline constexpr std::size_t text_size_max = 4096;  // failure reason, warning, tracker id, key
inline constexpr std::uint32_t numwant_max = 10'000;
static_assert(scrape_info_hash_count_max * (sizeof("&info_hash=") + 3 * 20) < query_size_max);

enum class TrackerHttpError {
  // Responses.
  not_a_dictionary = 1,  // the body is not a bencoded dictionary
  missing_field,         // e.g. no interval in a non-failure response (offset: the dictionary)
  wrong_type,            // a known key with a value of another type
  value_out_of_range,    // negative counts, port above 65535, ...
  value_too_long,        // a string above text_size_max (responses and query values)
  peer_list_misaligned,  // compact peers not a whole number of 6 (or 18) bytes
  too_many_peers,        // more than peer_count_max peers
  bad_peer_ip,           // a dictionary peer's ip is neither an address nor a host name
  bad_peer_id_size,      // peer id not 20 bytes
  response_too_large,    // body above response_size_max
  // Requests (query strings).
  query_too_long,           // above query_size_max
  too_many_parameters,      // above query_parameter_count_max
  parameter_without_value,  // a parameter with no '='
  bad_percent_escape,       // '%' not followed by two hexadecimal digits
  missing_parameter,        // info_hash, peer_id, port, uploaded, downloaded or left absent
  duplicate_parameter,      // an announce parameter given twice
  bad_info_hash_size,       // info_hash not exactly 20 bytes once decoded
  bad_number,               // not a decimal number, or out of its range
  bad_event,                // event not started, completed, stopped or empty
  too_many_info_hashes,     // scrape of more than scrape_info_hash_count_max torrents
};

const std::error_category& tracker_http_error_category();
inline std::error_code make_error_code(TrackerHttpError error) {
  return {static_cast<int>(error), tracker_http_error_category()};
}

enum class Event { none, started, completed, stopped };

// An announce, as the client sends it and as the tracker parses it.
struct AnnounceRequest {
  InfoHash info_hash{};
  PeerId peer_id{};
  std::uint16_t port = 0;
  std::uint64_t uploaded_bytes = 0;
  std::uint64_t downloaded_bytes = 0;
  std::uint64_t left_bytes = 0;
  Event event = Event::none;
  bool compact = true;
  bool no_peer_id = false;
  std::optional<std::uint32_t> numwant;
  std::optional<std::string> key;
  std::optional<std::string> tracker_id;  // the `trackerid` parameter
  std::optional<std::string> ip;          // BEP 3 `ip`: an address or DNS name, as given
  friend bool operator==(const AnnounceRequest&, const AnnounceRequest&) = default;
};

struct TrackerPeer {
  PeerAddress address;
  std::optional<PeerId> peer_id;  // dictionary peers only
  friend bool operator==(const TrackerPeer&, const TrackerPeer&) = default;
};

struct AnnounceResponse {
  // When set, the announce failed and the other fields are meaningless.
  std::optional<std::string> failure_reason;
  std::optional<std::string> warning_message;
  // 0 when the tracker gave none.
  std::uint32_t interval_seconds = 0;
  std::optional<std::uint32_t> min_interval_seconds;
  std::optional<std::string> tracker_id;
  std::optional<std::uint32_t> complete;    // seeders
  std::optional<std::uint32_t> incomplete;  // leechers
  // IPv4 peers from `peers`, then IPv6 peers from `peers6`; for dictionary peers, in list order.
  std::vector<TrackerPeer> peers;
  // Dictionary peers whose ip is a DNS name: "host:port", unresolved.
  std::vector<std::string> peer_hostnames;
  friend bool operator==(const AnnounceResponse&, const AnnounceResponse&) = default;
};

struct ScrapeStats {
  std::uint32_t complete = 0;    // seeders
  std::uint32_t downloaded = 0;  // completed downloads ever
  std::uint32_t incomplete = 0;  // leechers
  friend bool operator==(const ScrapeStats&, const ScrapeStats&) = default;
};

struct ScrapeResponse {
  std::optional<std::string> failure_reason;
  // In ascending info-hash order (the order of a canonical dictionary).
  std::vector<std::pair<InfoHash, ScrapeStats>> files;
  friend bool operator==(const ScrapeResponse&, const ScrapeResponse&) = default;
};

// ---- Client side.

// The announce URL with the request's parameters appended after any query the URL already has.
std::string build_announce_url(std::string_view announce_url, const AnnounceRequest& request);
ParseResult<AnnounceResponse> parse_announce_response(std::span<const std::uint8_t> body);

// BEP 48: replaces "announce" at the start of the last path component with "scrape"; nullopt when
// the tracker has no scrape convention (the last component does not start with "announce").
std::optional<std::string> scrape_url(std::string_view announce_url);
std::string build_scrape_url(std::string_view scrape_url, std::span<const InfoHash> info_hashes);
ParseResult<ScrapeResponse> parse_scrape_response(std::span<const std::uint8_t> body);

// ---- Server side.

// Splits a request target "/announce?a=b" (or its absolute form, "http://host/announce?a=b")
// into path and query ("" when there is none).
std::pair<std::string_view, std::string_view> split_target(std::string_view target);
// Parses the query of an announce. Error offsets count from the start of `query`.
ParseResult<AnnounceRequest> parse_announce_query(std::string_view query);
// Parses the query of a scrape: zero or more info_hash parameters (zero asks for every torrent).
ParseResult<std::vector<InfoHash>> parse_scrape_query(std::string_view query);

enum class PeerListFormat { compact, dictionary, dictionary_without_peer_id };

// Encodes a non-failure response (failure_reason must be unset). In compact format IPv4 peers go
// to `peers` and IPv6 peers to `peers6`; in the dictionary formats every peer is in `peers`.
std::string encode_announce_response(const AnnounceResponse& response, PeerListFormat format);
std::string encode_failure(std::string_view reason);
std::string encode_scrape_response(const ScrapeResponse& response);

}  // namespace swarmlab::protocol::tracker_http

template <>
struct std::is_error_code_enum<swarmlab::protocol::tracker_http::TrackerHttpError>
    : std::true_type {};
