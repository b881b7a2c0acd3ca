// KRPC, the DHT's message format (BEP 5), with IPv6 node lists and `want` (BEP 32), the read-only
// flag `ro` (BEP 43) and the requester's address `ip` (BEP 42). Both directions: a DHT node decodes
// what it receives and encodes what it sends with the same types.
//
//   query     {t: <tid>, y: "q", q: <method>, a: {id: <20 bytes>, ...arguments}, v?, ro?}
//   response  {t: <tid>, y: "r", r: {id, nodes?, nodes6?, values?, token?}, ip?, v?}
//   error     {t: <tid>, y: "e", e: [<code>, <message>]}
//
// Compact node info is 26 bytes for IPv4 (id, address, port) and 38 bytes for IPv6. A response
// does not name its query; the caller matches it by transaction id.
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
#include <variant>
#include <vector>

namespace swarmlab::protocol::krpc {

// BEP 32 asks nodes to accept datagrams above 1024 bytes; the largest UDP payload is 65507.
inline constexpr std::size_t message_size_max = 65507;
inline constexpr std::size_t transaction_id_size_max = 16;
inline constexpr std::size_t token_size_max = 64;
inline constexpr std::size_t method_name_size_max = 64;
inline constexpr std::size_t client_version_size_max = 64;
inline constexpr std::size_t error_message_size_max = 1024;
inline constexpr std::size_t node_count_max = 256;
inline constexpr std::size_t value_count_max = 2048;
inline constexpr std::size_t want_count_max = 8;
inline constexpr std::size_t compact_node_ipv4_size_bytes = 26;
inline constexpr std::size_t compact_node_ipv6_size_bytes = 38;

enum class KrpcError {
  message_too_large = 1,  // above message_size_max
  not_a_dictionary,       // the message or a nested value that must be a dictionary is not
  missing_field,          // a required key is absent (offset: its dictionary)
  wrong_type,             // a known key with a value of the wrong type
  value_out_of_range,     // port above 65535, flag not 0 or 1, ...
  value_too_long,         // transaction id, token, method, version or message above its limit
  bad_message_type,       // y not "q", "r" or "e"
  bad_id_size,            // id, target or info_hash not 20 bytes
  node_list_misaligned,   // nodes not a multiple of 26 bytes, nodes6 of 38
  too_many_nodes,         // more than node_count_max nodes
  bad_value_size,         // a peer value not 6 or 18 bytes
  too_many_values,        // more than value_count_max values
  bad_error_list,         // e not [integer, string]
  bad_address_size,       // ip not 6 or 18 bytes
};

const std::error_category& krpc_error_category();
inline std::error_code make_error_code(KrpcError error) {
  return {static_cast<int>(error), krpc_error_category()};
}

// BEP 5 error codes.
namespace error_codes {
inline constexpr std::int64_t generic = 201;
inline constexpr std::int64_t server = 202;
inline constexpr std::int64_t protocol = 203;
inline constexpr std::int64_t method_unknown = 204;
}  // namespace error_codes

struct NodeInfo {
  NodeId id{};
  PeerAddress address;
  friend bool operator==(const NodeInfo&, const NodeInfo&) = default;
};

// BEP 32 `want`: which node families the requester wants in the response.
struct Want {
  bool ipv4 = false;  // "n4"
  bool ipv6 = false;  // "n6"
  friend bool operator==(const Want&, const Want&) = default;
};

struct Ping {
  friend bool operator==(const Ping&, const Ping&) = default;
};
struct FindNode {
  NodeId target{};
  friend bool operator==(const FindNode&, const FindNode&) = default;
};
struct GetPeers {
  InfoHash info_hash{};
  friend bool operator==(const GetPeers&, const GetPeers&) = default;
};
struct AnnouncePeer {
  InfoHash info_hash{};
  // With implied_port the peer's port is the UDP source port and `port` is ignored.
  bool implied_port = false;
  std::uint16_t port = 0;
  std::string token;
  friend bool operator==(const AnnouncePeer&, const AnnouncePeer&) = default;
};
// A method this node does not implement; the answer is error 204 (method unknown).
struct UnknownMethod {
  std::string method;
  friend bool operator==(const UnknownMethod&, const UnknownMethod&) = default;
};

struct Query {
  NodeId sender_id{};
  std::variant<Ping, FindNode, GetPeers, AnnouncePeer, UnknownMethod> method;
  std::optional<Want> want;  // find_node and get_peers only
  friend bool operator==(const Query&, const Query&) = default;
};

struct Response {
  NodeId sender_id{};
  // IPv4 nodes (from `nodes`) then IPv6 nodes (from `nodes6`).
  std::vector<NodeInfo> nodes;
  std::vector<PeerAddress> values;   // get_peers: peers of the torrent
  std::optional<std::string> token;  // get_peers: to pass to announce_peer
  friend bool operator==(const Response&, const Response&) = default;
};

struct Error {
  std::int64_t code = error_codes::generic;
  std::string message;
  friend bool operator==(const Error&, const Error&) = default;
};

struct Message {
  std::string transaction_id;
  std::variant<Query, Response, Error> body;
  std::optional<std::string> client_version;  // v
  bool read_only = false;                     // ro (BEP 43), queries only
  std::optional<PeerAddress> requester;       // ip (BEP 42): the requester's address as seen
  friend bool operator==(const Message&, const Message&) = default;
};

ParseResult<Message> decode(std::span<const std::uint8_t> datagram);
// Asserts the limits above (a message this node sends is always one it would accept).
std::string encode(const Message& message);

// Compact node info lists: 26-byte (IPv4) or 38-byte (IPv6) entries.
void append_compact_node(std::string& out, const NodeInfo& node);
std::optional<NodeInfo> parse_compact_node(std::span<const std::uint8_t> bytes);

// The method name a query is sent under ("ping", "find_node", ...).
std::string_view method_name(const Query& query);

}  // namespace swarmlab::protocol::krpc

template <>
struct std::is_error_code_enum<swarmlab::protocol::krpc::KrpcError> : std::true_type {};
