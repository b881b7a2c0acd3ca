// Incremental decoder of a peer wire stream: the handshake, then length-prefixed messages. Bytes
// may arrive split anywhere (one at a time works); every message is checked against limits derived
// from the torrent before its body is buffered, so a peer cannot make the decoder hold more than
// one maximal message.
//
// Buffer model. The decoder owns one contiguous buffer:
//
//   0           begin_                end_                       buffer_.size()
//   | consumed  | buffered, undecoded |  free: prepare() hands it out  |
//
// A connection reads from its socket straight into prepare() and calls commit(n), then calls next()
// until it returns no message. Decoded messages (a piece's block, a bitfield, an extended payload)
// are views into the buffer: the bytes are copied once, by the socket read, and never again unless
// a partial message has to move to the front of the buffer to make room. Views stay valid until
// the next call of a non-const member function.
#pragma once

#include "protocol/error.hpp"
#include "protocol/receive_buffer_pool.hpp"
#include "protocol/wire.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <system_error>
#include <type_traits>
#include <vector>

namespace swarmlab::protocol::wire {

// Hard ceilings that no configuration can raise.
inline constexpr std::uint32_t piece_count_max = 1u << 22;
inline constexpr std::uint32_t request_length_ceiling = 128 * 1024;
inline constexpr std::uint32_t extended_payload_size_max_default = 64 * 1024;
inline constexpr std::uint32_t extended_payload_size_ceiling = 1024 * 1024;
// The decoder always offers at least this much free space to a socket read.
inline constexpr std::size_t read_size_min = 16 * 1024;
inline constexpr std::size_t buffer_size_default = 256 * 1024;
static_assert(block_size_bytes <= request_length_ceiling);
static_assert(buffer_size_default >=
              2 * (block_size_bytes + frame_header_size_max) + read_size_min);

enum class WireError {
  bad_protocol_name = 1,              // handshake does not start with 19 "BitTorrent protocol"
  message_too_large,                  // length prefix above the limit for the stream or the id
  unknown_message_id,                 // an id this client does not speak
  wrong_message_length,               // fixed-size message with another length
  bitfield_wrong_size,                // bitfield not exactly ceil(piece count / 8) bytes
  bitfield_spare_bits_set,            // a bit past the last piece is set
  piece_index_out_of_range,           // piece index >= piece count
  block_length_invalid,               // zero, or above the request length limit
  block_outside_piece,                // begin + length past the end of the piece
  fast_extension_not_negotiated,      // BEP 6 message without both ends setting the bit
  extension_protocol_not_negotiated,  // BEP 10 message without both ends setting the bit
};

const std::error_category& wire_error_category();
inline std::error_code make_error_code(WireError error) {
  return {static_cast<int>(error), wire_error_category()};
}

// The torrent's piece layout, once known.
struct PieceGeometry {
  std::uint32_t piece_count = 0;
  std::uint64_t piece_length_bytes = 0;
  std::uint64_t total_size_bytes = 0;

  // Size of piece `piece_index` (the last one may be short).
  std::uint64_t piece_size_bytes(std::uint32_t piece_index) const;
  std::size_t bitfield_size_bytes() const { return (std::size_t{piece_count} + 7) / 8; }
};

struct DecoderLimits {
  // Unknown until a magnet link's metadata arrives; meanwhile bitfields and piece indices are only
  // checked against piece_count_max and the connection checks them once the metadata is known.
  std::optional<PieceGeometry> geometry;
  std::uint32_t request_length_max = block_size_bytes;
  std::uint32_t extended_payload_size_max = extended_payload_size_max_default;
  bool fast_extension = false;
  bool extension_protocol = false;

  static DecoderLimits for_torrent(const PieceGeometry& geometry,
                                   const NegotiatedFeatures& features);
  // The largest length prefix any message may carry under these limits.
  std::uint32_t message_length_max() const;
};

enum class HandshakeExpected { yes, no };

// The smallest buffer a decoder may start with (or shrink to): room for a handshake. Buffers below
// read_size_min grow to fit each message that needs more, and may shrink back when empty.
inline constexpr std::size_t buffer_size_min = 2 * handshake_size_bytes;

class WireDecoder {
 public:
  // The decoder owns a buffer of `buffer_size_bytes`. A message that needs more (a block in a
  // small buffer, a large bitfield or extended message) is buffered in a larger one, taken from
  // `pool` when the pool's buffers are large enough, until release_if_empty(). Small buffers keep
  // thousands of simulated connections cheap; large ones mean fewer socket reads.
  explicit WireDecoder(const DecoderLimits& limits,
                       HandshakeExpected handshake = HandshakeExpected::yes,
                       std::size_t buffer_size_bytes = buffer_size_default,
                       ReceiveBufferPool* pool = nullptr);

  // New limits apply to messages not yet decoded: after the handshake named the torrent, or once a
  // magnet link's metadata is known.
  void set_limits(const DecoderLimits& limits);
  const DecoderLimits& limits() const { return limits_; }

  // Free space for the next socket read; at least read_size_min bytes (or, with a buffer made
  // smaller than that, at least one byte) when next() has returned no message since the last
  // commit (the caller drains the decoder before reading again).
  std::span<std::uint8_t> prepare();
  // While nothing is buffered, goes back to the decoder's own buffer: a larger one taken for a
  // message returns to the pool or is freed, so that thousands of idle connections do not each
  // hold the largest message they ever received. The pool must still exist.
  void release_if_empty();
  std::size_t buffer_size_bytes() const { return buffer_.size(); }
  void commit(std::size_t size_bytes);
  // Copies as much of `bytes` as fits and returns how many bytes it took.
  std::size_t feed(std::span<const std::uint8_t> bytes);

  // The handshake, once its 68 bytes are buffered; only while HandshakeExpected::yes and before
  // any message.
  ParseResult<std::optional<Handshake>> next_handshake();
  // The next complete message, nullopt when more bytes are needed. After an error the decoder
  // stays failed and returns the same error. Error offsets count from the start of the stream.
  ParseResult<std::optional<Message>> next();

  // Bytes of the stream decoded so far (handshake included).
  std::uint64_t consumed_bytes() const { return stream_offset_; }
  std::size_t buffered_bytes() const { return end_ - begin_; }

 private:
  ParseError fail(WireError error, std::size_t buffer_position);
  std::optional<ParseError> check_header(std::uint32_t length, std::uint8_t id) const;
  ParseResult<Message> decode_body(std::uint32_t length, std::uint8_t id);
  std::optional<ParseError> check_piece_index(std::uint32_t piece_index,
                                              std::size_t position) const;
  std::optional<ParseError> check_block(std::uint32_t piece_index, std::uint32_t begin,
                                        std::uint64_t length, std::size_t position) const;
  ParseResult<Message> decode_bitfield(std::span<const std::uint8_t> bits, std::size_t position);
  void reserve_frame(std::size_t frame_size_bytes);
  // Frees the larger buffer, or returns it to the pool it came from.
  void give_back_large();
  void consume(std::size_t size_bytes);

  DecoderLimits limits_;
  // Lends larger buffers; may be null.
  ReceiveBufferPool* pool_;
  // Left uninitialised: only bytes the stream wrote are ever read. buffer_ is the whole of one of
  // them: the decoder's own, or a larger one while a message needs it.
  std::unique_ptr<std::uint8_t[]> own_storage_;
  std::size_t own_size_bytes_;
  std::unique_ptr<std::uint8_t[]> large_storage_;
  bool large_from_pool_ = false;
  std::span<std::uint8_t> buffer_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  // Stream offset of buffer_[begin_].
  std::uint64_t stream_offset_ = 0;
  bool handshake_pending_ = true;
  std::optional<ParseError> failure_;
};

}  // namespace swarmlab::protocol::wire

template <>
struct std::is_error_code_enum<swarmlab::protocol::wire::WireError> : std::true_type {};
