#include "protocol/wire.hpp"

#include "protocol/byte_order.hpp"
#include "protocol/overloaded.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <limits>

namespace swarmlab::protocol::wire {
namespace {

bool same_bytes(std::span<const std::uint8_t> left, std::span<const std::uint8_t> right) {
  return std::ranges::equal(left, right);
}

// Writes the length prefix and the id; returns the position after them.
std::size_t write_prefix(FrameHeader& header, MessageId id, std::size_t body_size_bytes) {
  assert(body_size_bytes < std::numeric_limits<std::uint32_t>::max());
  write_u32(header.bytes, 0, static_cast<std::uint32_t>(body_size_bytes + 1));
  header.bytes[4] = static_cast<std::uint8_t>(id);
  return 5;
}

void finish(FrameHeader& header, std::size_t size_bytes) {
  assert(size_bytes <= frame_header_size_max);
  header.size_bytes = static_cast<std::uint8_t>(size_bytes);
}

}  // namespace

bool operator==(const Bitfield& left, const Bitfield& right) {
  return same_bytes(left.bits, right.bits);
}

bool operator==(const Piece& left, const Piece& right) {
  return left.piece_index == right.piece_index && left.begin == right.begin &&
         same_bytes(left.block, right.block);
}

bool operator==(const Extended& left, const Extended& right) {
  return left.extended_id == right.extended_id && same_bytes(left.payload, right.payload);
}

NegotiatedFeatures negotiate(const ReservedBits& ours, const ReservedBits& theirs) {
  return NegotiatedFeatures{
      .dht = ours.dht() && theirs.dht(),
      .fast_extension = ours.fast_extension() && theirs.fast_extension(),
      .extension_protocol = ours.extension_protocol() && theirs.extension_protocol(),
  };
}

std::array<std::uint8_t, handshake_size_bytes> encode_handshake(const Handshake& handshake) {
  std::array<std::uint8_t, handshake_size_bytes> bytes{};
  bytes[0] = static_cast<std::uint8_t>(protocol_name.size());
  std::memcpy(&bytes[1], protocol_name.data(), protocol_name.size());
  std::size_t position = 1 + protocol_name.size();
  std::memcpy(&bytes[position], handshake.reserved.bytes.data(), 8);
  position += 8;
  std::memcpy(&bytes[position], handshake.info_hash.data(), 20);
  position += 20;
  std::memcpy(&bytes[position], handshake.peer_id.data(), 20);
  assert(position + 20 == bytes.size());
  return bytes;
}

FrameHeader encode_header(const Message& message) {
  FrameHeader header;
  const auto visitor = Overloaded{
      [&](const KeepAlive&) { finish(header, 4); },
      [&](const Bitfield& bitfield) {
        finish(header, write_prefix(header, Bitfield::id, bitfield.bits.size()));
      },
      [&](const Piece& piece) {
        const std::size_t position = write_prefix(header, Piece::id, 8 + piece.block.size());
        write_u32(header.bytes, position, piece.piece_index);
        write_u32(header.bytes, position + 4, piece.begin);
        finish(header, position + 8);
      },
      [&](const Port& port) {
        const std::size_t position = write_prefix(header, Port::id, 2);
        write_u16(header.bytes, position, port.port);
        finish(header, position + 2);
      },
      [&](const Extended& extended) {
        const std::size_t position =
            write_prefix(header, Extended::id, 1 + extended.payload.size());
        header.bytes[position] = extended.extended_id;
        finish(header, position + 1);
      },
      [&]<MessageId Id>(const Signal<Id>&) { finish(header, write_prefix(header, Id, 0)); },
      [&]<MessageId Id>(const PieceNotice<Id>& notice) {
        const std::size_t position = write_prefix(header, Id, 4);
        write_u32(header.bytes, position, notice.piece_index);
        finish(header, position + 4);
      },
      [&]<MessageId Id>(const BlockNotice<Id>& notice) {
        const std::size_t position = write_prefix(header, Id, 12);
        write_u32(header.bytes, position, notice.piece_index);
        write_u32(header.bytes, position + 4, notice.begin);
        write_u32(header.bytes, position + 8, notice.length);
        finish(header, position + 12);
      },
  };
  std::visit(visitor, message);
  assert(header.size_bytes >= length_prefix_size_bytes);
  return header;
}

std::span<const std::uint8_t> payload_of(const Message& message) {
  if (const auto* bitfield = std::get_if<Bitfield>(&message)) return bitfield->bits;
  if (const auto* piece = std::get_if<Piece>(&message)) return piece->block;
  if (const auto* extended = std::get_if<Extended>(&message)) return extended->payload;
  return {};
}

std::size_t frame_size_bytes(const Message& message) {
  return encode_header(message).size_bytes + payload_of(message).size();
}

void append_frame(std::vector<std::uint8_t>& out, const Message& message) {
  const FrameHeader header = encode_header(message);
  const auto payload = payload_of(message);
  out.insert(out.end(), header.view().begin(), header.view().end());
  out.insert(out.end(), payload.begin(), payload.end());
  assert(read_u32(header.view(), 0) + length_prefix_size_bytes ==
         header.size_bytes + payload.size());
}

std::string_view message_name(const Message& message) {
  static constexpr std::string_view names[] = {
      "keep-alive", "choke",     "unchoke", "interested",   "not interested", "have",
      "bitfield",   "request",   "piece",   "cancel",       "port",           "suggest",
      "have all",   "have none", "reject",  "allowed fast", "extended"};
  static_assert(std::size(names) == std::variant_size_v<Message>);
  return names[message.index()];
}

}  // namespace swarmlab::protocol::wire
