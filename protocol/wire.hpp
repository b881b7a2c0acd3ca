// Peer wire protocol messages (BEP 3), with the fast extension (BEP 6), the extension protocol's
// `extended` message (BEP 10) and `port` (BEP 5): the handshake, the message types, and encoding
// without a heap allocation per message.
//
// A frame on the wire is a 4-byte big-endian length prefix followed by that many bytes; a zero
// length is a keep-alive, otherwise the first byte is the message id:
//
//   | length (4) | id (1) | fixed fields (0, 2, 4 or 12) | payload (bitfield, block, extended) |
//
// Encoding writes the length, id and fixed fields into a FrameHeader (at most 17 bytes, on the
// stack); the variable payload is never copied, so a connection can send a piece as a gather write
// of {header.view(), block}. Decoding lives in protocol/wire_decoder.hpp.
#pragma once

#include "protocol/sha1.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

namespace swarmlab::protocol::wire {

inline constexpr std::string_view protocol_name = "BitTorrent protocol";
inline constexpr std::size_t handshake_size_bytes = 68;
inline constexpr std::size_t length_prefix_size_bytes = 4;
// The block size every client requests (BEP 3 recommends 2^14; larger requests are refused).
inline constexpr std::uint32_t block_size_bytes = 16 * 1024;
// The largest frame header: length, id and three 4-byte fields (request, cancel, reject).
inline constexpr std::size_t frame_header_size_max = 17;
static_assert(handshake_size_bytes == 1 + protocol_name.size() + 8 + 20 + 20);

enum class MessageId : std::uint8_t {
  choke = 0,
  unchoke = 1,
  interested = 2,
  not_interested = 3,
  have = 4,
  bitfield = 5,
  request = 6,
  piece = 7,
  cancel = 8,
  port = 9,      // BEP 5
  suggest = 13,  // BEP 6 from here to allowed_fast
  have_all = 14,
  have_none = 15,
  reject = 16,
  allowed_fast = 17,
  extended = 20,  // BEP 10
};

// The 8 reserved handshake bytes and the feature bits this client knows.
struct ReservedBits {
  std::array<std::uint8_t, 8> bytes{};

  bool dht() const { return (bytes[7] & 0x01) != 0; }                 // BEP 5
  bool fast_extension() const { return (bytes[7] & 0x04) != 0; }      // BEP 6
  bool extension_protocol() const { return (bytes[5] & 0x10) != 0; }  // BEP 10
  void set_dht(bool enabled) { set(7, 0x01, enabled); }
  void set_fast_extension(bool enabled) { set(7, 0x04, enabled); }
  void set_extension_protocol(bool enabled) { set(5, 0x10, enabled); }

  friend bool operator==(const ReservedBits&, const ReservedBits&) = default;

 private:
  void set(std::size_t index, std::uint8_t mask, bool enabled) {
    bytes[index] = static_cast<std::uint8_t>(enabled ? bytes[index] | mask : bytes[index] & ~mask);
  }
};

struct Handshake {
  ReservedBits reserved;
  InfoHash info_hash{};
  PeerId peer_id{};
  friend bool operator==(const Handshake&, const Handshake&) = default;
};

// A feature is in use only when both ends set its bit.
struct NegotiatedFeatures {
  bool dht = false;
  bool fast_extension = false;
  bool extension_protocol = false;
  friend bool operator==(const NegotiatedFeatures&, const NegotiatedFeatures&) = default;
};
NegotiatedFeatures negotiate(const ReservedBits& ours, const ReservedBits& theirs);

std::array<std::uint8_t, handshake_size_bytes> encode_handshake(const Handshake& handshake);

// Messages. Spans in decoded messages point into the decoder's buffer (see WireDecoder for how long
// they stay valid); spans in messages to encode point at the caller's data.
struct KeepAlive {
  friend bool operator==(const KeepAlive&, const KeepAlive&) = default;
};
template <MessageId Id>
struct Signal {
  static constexpr MessageId id = Id;
  friend bool operator==(const Signal&, const Signal&) = default;
};
using Choke = Signal<MessageId::choke>;
using Unchoke = Signal<MessageId::unchoke>;
using Interested = Signal<MessageId::interested>;
using NotInterested = Signal<MessageId::not_interested>;
using HaveAll = Signal<MessageId::have_all>;
using HaveNone = Signal<MessageId::have_none>;

template <MessageId Id>
struct PieceNotice {
  static constexpr MessageId id = Id;
  std::uint32_t piece_index = 0;
  friend bool operator==(const PieceNotice&, const PieceNotice&) = default;
};
using Have = PieceNotice<MessageId::have>;
using Suggest = PieceNotice<MessageId::suggest>;
using AllowedFast = PieceNotice<MessageId::allowed_fast>;

// A block of a piece: `length` bytes starting `begin` bytes into piece `piece_index`.
template <MessageId Id>
struct BlockNotice {
  static constexpr MessageId id = Id;
  std::uint32_t piece_index = 0;
  std::uint32_t begin = 0;
  std::uint32_t length = 0;
  friend bool operator==(const BlockNotice&, const BlockNotice&) = default;
};
using Request = BlockNotice<MessageId::request>;
using Cancel = BlockNotice<MessageId::cancel>;
using Reject = BlockNotice<MessageId::reject>;

// Bit i (most significant bit of byte 0 first) set means the sender has piece i.
struct Bitfield {
  static constexpr MessageId id = MessageId::bitfield;
  std::span<const std::uint8_t> bits;
  friend bool operator==(const Bitfield& left, const Bitfield& right);
};

struct Piece {
  static constexpr MessageId id = MessageId::piece;
  std::uint32_t piece_index = 0;
  std::uint32_t begin = 0;
  std::span<const std::uint8_t> block;
  friend bool operator==(const Piece& left, const Piece& right);
};

struct Port {
  static constexpr MessageId id = MessageId::port;
  std::uint16_t port = 0;
  friend bool operator==(const Port&, const Port&) = default;
};

// BEP 10: extended id 0 is the extension handshake; others are ids the receiver assigned.
struct Extended {
  static constexpr MessageId id = MessageId::extended;
  std::uint8_t extended_id = 0;
  std::span<const std::uint8_t> payload;
  friend bool operator==(const Extended& left, const Extended& right);
};

using Message =
    std::variant<KeepAlive, Choke, Unchoke, Interested, NotInterested, Have, Bitfield, Request,
                 Piece, Cancel, Port, Suggest, HaveAll, HaveNone, Reject, AllowedFast, Extended>;

// The length prefix, id and fixed fields of a frame; the length prefix counts the payload.
struct FrameHeader {
  std::array<std::uint8_t, frame_header_size_max> bytes{};
  std::uint8_t size_bytes = 0;
  std::span<const std::uint8_t> view() const { return std::span(bytes).first(size_bytes); }
};

FrameHeader encode_header(const Message& message);
// The bytes that follow the header: bitfield bits, piece block or extended payload; empty for the
// other messages.
std::span<const std::uint8_t> payload_of(const Message& message);
// Header plus payload.
std::size_t frame_size_bytes(const Message& message);
// Appends the whole frame, for callers that batch small messages into one send buffer.
void append_frame(std::vector<std::uint8_t>& out, const Message& message);

// A short name for logs and errors ("piece", "have all", ...).
std::string_view message_name(const Message& message);

}  // namespace swarmlab::protocol::wire
