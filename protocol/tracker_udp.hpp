// UDP tracker packets (BEP 15): connect, announce, scrape and error, requests and responses in
// both directions, so the tracker client and the tracker server share one codec.
//
//   connect request   | protocol_id 8 | action 4 | transaction 4 |                    16 bytes
//   connect response  | action 4 | transaction 4 | connection_id 8 |                  16 bytes
//   announce request  | connection_id 8 | action 4 | transaction 4 | info_hash 20 | peer_id 20 |
//                     | downloaded 8 | left 8 | uploaded 8 | event 4 | ip 4 | key 4 |
//                     | num_want 4 | port 2 | BEP 41 options ... |                >= 98 bytes
//   announce response | action 4 | transaction 4 | interval 4 | leechers 4 | seeders 4 |
//                     | peers: 6 bytes each (IPv4) or 18 bytes each (IPv6) |
//   scrape request    | connection_id 8 | action 4 | transaction 4 | info_hash 20 x N (1..74) |
//   scrape response   | action 4 | transaction 4 | (seeders 4 | completed 4 | leechers 4) x N |
//   error             | action 4 | transaction 4 | message ... |
//
// All integers are big-endian. Which peer format an announce response uses depends on the address
// family of the datagram it travels in, so decoding a response takes that family.
#pragma once

#include "protocol/error.hpp"
#include "protocol/peer_address.hpp"
#include "protocol/sha1.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <system_error>
#include <type_traits>
#include <variant>
#include <vector>

namespace swarmlab::protocol::tracker_udp {

inline constexpr std::uint64_t protocol_id = 0x41727101980;
// The largest UDP payload over IPv4; nothing larger can arrive in one datagram.
inline constexpr std::size_t packet_size_max = 65507;
inline constexpr std::size_t connect_size_bytes = 16;
inline constexpr std::size_t announce_request_size_min = 98;
inline constexpr std::size_t announce_response_header_size_bytes = 20;
inline constexpr std::size_t scrape_request_header_size_bytes = 16;
inline constexpr std::size_t scrape_response_header_size_bytes = 8;
inline constexpr std::size_t scrape_entry_size_bytes = 12;
inline constexpr std::size_t error_header_size_bytes = 8;
// BEP 15: "up to about 74 torrents can be scraped at once".
inline constexpr std::size_t scrape_info_hash_count_max = 74;
static_assert(scrape_request_header_size_bytes + 20 * scrape_info_hash_count_max <= 1500);

enum class Action : std::uint32_t { connect = 0, announce = 1, scrape = 2, error = 3 };
enum class Event : std::uint32_t { none = 0, completed = 1, started = 2, stopped = 3 };

enum class TrackerUdpError {
  packet_too_short = 1,    // shorter than its action's fixed part (offset: packet size)
  packet_too_long,         // longer than packet_size_max or than its fixed size
  bad_protocol_id,         // connect request without the magic constant (offset 0)
  unknown_action,          // action not valid in this direction
  bad_event,               // announce event above 3 (offset 80)
  peer_list_misaligned,    // announce response peers not a whole number of entries
  scrape_hash_count,       // scrape request with 0 or more than 74 info-hashes
  scrape_list_misaligned,  // scrape request/response not a whole number of entries
};

const std::error_category& tracker_udp_error_category();
inline std::error_code make_error_code(TrackerUdpError error) {
  return {static_cast<int>(error), tracker_udp_error_category()};
}

struct ConnectRequest {
  std::uint32_t transaction_id = 0;
  friend bool operator==(const ConnectRequest&, const ConnectRequest&) = default;
};

struct ConnectResponse {
  std::uint32_t transaction_id = 0;
  std::uint64_t connection_id = 0;
  friend bool operator==(const ConnectResponse&, const ConnectResponse&) = default;
};

struct AnnounceRequest {
  std::uint64_t connection_id = 0;
  std::uint32_t transaction_id = 0;
  InfoHash info_hash{};
  PeerId peer_id{};
  std::uint64_t downloaded_bytes = 0;
  std::uint64_t left_bytes = 0;
  std::uint64_t uploaded_bytes = 0;
  Event event = Event::none;
  // 0.0.0.0 asks the tracker to use the datagram's source address.
  std::array<std::uint8_t, 4> ipv4_address{};
  std::uint32_t key = 0;
  // -1 lets the tracker choose.
  std::int32_t num_want = -1;
  std::uint16_t port = 0;
  // BEP 41 options after the fixed part, kept verbatim.
  std::vector<std::uint8_t> options;
  friend bool operator==(const AnnounceRequest&, const AnnounceRequest&) = default;
};

struct AnnounceResponse {
  std::uint32_t transaction_id = 0;
  std::uint32_t interval_seconds = 0;
  std::uint32_t leechers = 0;
  std::uint32_t seeders = 0;
  // All of one family: the family of the datagram's addresses.
  std::vector<PeerAddress> peers;
  friend bool operator==(const AnnounceResponse&, const AnnounceResponse&) = default;
};

struct ScrapeRequest {
  std::uint64_t connection_id = 0;
  std::uint32_t transaction_id = 0;
  std::vector<InfoHash> info_hashes;  // 1 to scrape_info_hash_count_max
  friend bool operator==(const ScrapeRequest&, const ScrapeRequest&) = default;
};

struct ScrapeEntry {
  std::uint32_t seeders = 0;
  std::uint32_t completed = 0;
  std::uint32_t leechers = 0;
  friend bool operator==(const ScrapeEntry&, const ScrapeEntry&) = default;
};

struct ScrapeResponse {
  std::uint32_t transaction_id = 0;
  std::vector<ScrapeEntry> entries;  // in the order of the request's info-hashes
  friend bool operator==(const ScrapeResponse&, const ScrapeResponse&) = default;
};

struct ErrorResponse {
  std::uint32_t transaction_id = 0;
  std::string message;
  friend bool operator==(const ErrorResponse&, const ErrorResponse&) = default;
};

using Request = std::variant<ConnectRequest, AnnounceRequest, ScrapeRequest>;
using Response = std::variant<ConnectResponse, AnnounceResponse, ScrapeResponse, ErrorResponse>;

// Encoding (asserts that the value fits the format: peers of one family, 1..74 hashes, ...).
std::vector<std::uint8_t> encode(const Request& request);
std::vector<std::uint8_t> encode(const Response& response);
// The same bytes into `packet` (its contents replaced, its storage reused): for a tracker that
// answers many datagrams.
void encode(const Response& response, std::vector<std::uint8_t>& packet);

// What a tracker receives. Connect requests are recognised by the protocol id.
ParseResult<Request> decode_request(std::span<const std::uint8_t> packet);
// What a client receives, over a datagram of `family`. The caller checks that the transaction id
// is the one it sent.
ParseResult<Response> decode_response(std::span<const std::uint8_t> packet,
                                      PeerAddress::Family family);

}  // namespace swarmlab::protocol::tracker_udp

template <>
struct std::is_error_code_enum<swarmlab::protocol::tracker_udp::TrackerUdpError> : std::true_type {
};
