// Extension protocol messages carried in the peer wire's `extended` message: the BEP 10
// handshake dictionary, ut_metadata (BEP 9) and ut_pex (BEP 11). Payloads are the bytes after the
// extended id. Decoding is strict bencode plus typed, bounded fields; unknown keys are ignored, as
// BEP 10 asks.
#pragma once

#include "protocol/error.hpp"
#include "protocol/peer_address.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

namespace swarmlab::protocol::extension {

inline constexpr std::string_view ut_metadata_name = "ut_metadata";
inline constexpr std::string_view ut_pex_name = "ut_pex";
// Extended id 0 is the handshake; the others are chosen by the receiver of the handshake.
inline constexpr std::uint8_t handshake_extended_id = 0;

inline constexpr std::size_t extension_count_max = 128;
inline constexpr std::size_t extension_name_size_max = 64;
inline constexpr std::size_t client_name_size_max = 256;
inline constexpr std::size_t metadata_piece_size_bytes = 16 * 1024;
// The largest info dictionary fetched over ut_metadata (a torrent of ~10^6 files).
inline constexpr std::uint64_t metadata_size_max = 64ull * 1024 * 1024;
inline constexpr std::uint64_t metadata_piece_count_max =
    (metadata_size_max + metadata_piece_size_bytes - 1) / metadata_piece_size_bytes;
// Peers per PEX list (BEP 11 asks for at most 50 after the first message, which may list all
// current connections).
inline constexpr std::size_t pex_peer_count_max = 2048;
inline constexpr std::size_t request_queue_size_max = 1u << 20;

enum class ExtensionError {
  not_a_dictionary = 1,           // the payload's bencode value is not a dictionary
  missing_field,                  // a required key is absent (offset: the dictionary)
  wrong_type,                     // a known key with a value of the wrong type
  value_out_of_range,             // an integer outside its range (port, id, sizes)
  value_too_long,                 // a string longer than its limit
  bad_address_size,               // yourip not 4 or 16 bytes, ipv4 not 4, ipv6 not 16
  too_many_extensions,            // more than extension_count_max entries in `m`
  duplicate_extension_id,         // two extensions share a non-zero id
  unknown_metadata_message_type,  // ut_metadata msg_type not 0, 1 or 2 (BEP 9: ignore it)
  metadata_trailing_data,         // bytes after a request or reject dictionary
  metadata_piece_out_of_range,    // piece index past the metadata's last piece
  metadata_piece_wrong_size,      // data not 16 KiB (or the rest, for the last piece)
  peer_list_misaligned,           // compact list not a whole number of 6- or 18-byte entries
  pex_flags_mismatch,             // added.f / added6.f length differs from the peer count
  too_many_peers,                 // more than pex_peer_count_max entries in one list
  pex_empty,                      // none of added, added6, dropped, dropped6
};

const std::error_category& extension_error_category();
inline std::error_code make_error_code(ExtensionError error) {
  return {static_cast<int>(error), extension_error_category()};
}

// BEP 10 handshake. Absent optional keys stay nullopt, so a later handshake can update only what
// it carries (BEP 10: the `m` dictionary is additive).
struct ExtensionHandshake {
  // Extension name -> the id to use when sending it to this peer; 0 disables it.
  std::map<std::string, std::uint8_t> messages;
  std::optional<std::uint16_t> listen_port;  // p
  std::optional<std::string> client;         // v
  std::optional<PeerAddress> your_ip;        // yourip (port 0)
  std::optional<std::array<std::uint8_t, 4>> ipv4;
  std::optional<std::array<std::uint8_t, 16>> ipv6;
  std::optional<std::uint32_t> request_queue_size;  // reqq
  std::optional<std::uint64_t> metadata_size;       // metadata_size (BEP 9)

  // The id registered for `name`, 0 when absent or disabled.
  std::uint8_t id_of(std::string_view name) const;
  friend bool operator==(const ExtensionHandshake&, const ExtensionHandshake&) = default;
};

ParseResult<ExtensionHandshake> decode_handshake(std::span<const std::uint8_t> payload);
std::string encode_handshake(const ExtensionHandshake& handshake);

// ut_metadata (BEP 9).
enum class MetadataMessageType : std::uint8_t { request = 0, data = 1, reject = 2 };

struct MetadataMessage {
  MetadataMessageType type = MetadataMessageType::request;
  std::uint32_t piece = 0;
  // Data messages only: the whole metadata size and this piece's bytes (a view into the payload).
  std::uint64_t total_size_bytes = 0;
  std::span<const std::uint8_t> data;
  friend bool operator==(const MetadataMessage& left, const MetadataMessage& right);
};

// Number of 16 KiB pieces of a metadata of `total_size_bytes`, and the size of one of them.
std::uint32_t metadata_piece_count(std::uint64_t total_size_bytes);
std::size_t metadata_piece_size(std::uint64_t total_size_bytes, std::uint32_t piece);

ParseResult<MetadataMessage> decode_metadata_message(std::span<const std::uint8_t> payload);
// The dictionary followed, for data messages, by the piece bytes.
std::string encode_metadata_message(const MetadataMessage& message);

// ut_pex (BEP 11).
namespace pex_flags {
inline constexpr std::uint8_t prefers_encryption = 0x01;
inline constexpr std::uint8_t seed = 0x02;
inline constexpr std::uint8_t supports_utp = 0x04;
inline constexpr std::uint8_t supports_holepunch = 0x08;
inline constexpr std::uint8_t reachable = 0x10;
}  // namespace pex_flags

struct PexPeer {
  PeerAddress address;
  std::uint8_t flags = 0;
  friend bool operator==(const PexPeer&, const PexPeer&) = default;
};

struct PexMessage {
  // IPv4 and IPv6 peers together; decoding lists the IPv4 ones (added) before the IPv6 ones.
  std::vector<PexPeer> added;
  std::vector<PeerAddress> dropped;
  friend bool operator==(const PexMessage&, const PexMessage&) = default;
};

ParseResult<PexMessage> decode_pex(std::span<const std::uint8_t> payload);
std::string encode_pex(const PexMessage& message);

}  // namespace swarmlab::protocol::extension

template <>
struct std::is_error_code_enum<swarmlab::protocol::extension::ExtensionError> : std::true_type {};
