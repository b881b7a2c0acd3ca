#include "protocol/wire_decoder.hpp"

#include "protocol/byte_order.hpp"
#include "protocol/error_category.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

namespace swarmlab::protocol::wire {
namespace {

const char* describe(WireError error) {
  switch (error) {
    case WireError::bad_protocol_name:
      return "handshake does not start with \"\\x13BitTorrent protocol\"";
    case WireError::message_too_large:
      return "peer message larger than allowed";
    case WireError::unknown_message_id:
      return "unknown peer message id";
    case WireError::wrong_message_length:
      return "peer message has the wrong length for its id";
    case WireError::bitfield_wrong_size:
      return "bitfield size does not match the piece count";
    case WireError::bitfield_spare_bits_set:
      return "bitfield has bits set past the last piece";
    case WireError::piece_index_out_of_range:
      return "piece index out of range";
    case WireError::block_length_invalid:
      return "block length zero or above the request limit";
    case WireError::block_outside_piece:
      return "block extends past the end of its piece";
    case WireError::fast_extension_not_negotiated:
      return "fast extension message but the fast extension was not negotiated";
    case WireError::extension_protocol_not_negotiated:
      return "extended message but the extension protocol was not negotiated";
  }
  return "unknown peer wire error";
}

constexpr std::size_t message_header_size_bytes = length_prefix_size_bytes + 1;
// Length prefixes of the fixed-size messages (id plus fields).
constexpr std::uint32_t signal_length = 1;
constexpr std::uint32_t piece_notice_length = 5;
constexpr std::uint32_t block_notice_length = 13;
constexpr std::uint32_t port_length = 3;
constexpr std::uint32_t piece_header_length = 9;
constexpr std::uint32_t extended_header_length = 2;

bool is_fast_extension(MessageId id) {
  return id == MessageId::suggest || id == MessageId::have_all || id == MessageId::have_none ||
         id == MessageId::reject || id == MessageId::allowed_fast;
}

// The exact length prefix of a fixed-size message; 0 for variable-size and unknown ids.
std::uint32_t fixed_length(MessageId id) {
  switch (id) {
    case MessageId::choke:
    case MessageId::unchoke:
    case MessageId::interested:
    case MessageId::not_interested:
    case MessageId::have_all:
    case MessageId::have_none:
      return signal_length;
    case MessageId::have:
    case MessageId::suggest:
    case MessageId::allowed_fast:
      return piece_notice_length;
    case MessageId::request:
    case MessageId::cancel:
    case MessageId::reject:
      return block_notice_length;
    case MessageId::port:
      return port_length;
    case MessageId::bitfield:
    case MessageId::piece:
    case MessageId::extended:
      return 0;
  }
  return 0;
}

bool is_known(std::uint8_t id) {
  return id <= static_cast<std::uint8_t>(MessageId::port) ||
         (id >= static_cast<std::uint8_t>(MessageId::suggest) &&
          id <= static_cast<std::uint8_t>(MessageId::allowed_fast)) ||
         id == static_cast<std::uint8_t>(MessageId::extended);
}

}  // namespace

const std::error_category& wire_error_category() {
  static const EnumErrorCategory<WireError> category("peer-wire", describe);
  return category;
}

std::uint64_t PieceGeometry::piece_size_bytes(std::uint32_t piece_index) const {
  assert(piece_index < piece_count);
  if (piece_index + 1 < piece_count) return piece_length_bytes;
  const std::uint64_t last = total_size_bytes - piece_length_bytes * (piece_count - 1);
  assert(last > 0);
  assert(last <= piece_length_bytes);
  return last;
}

DecoderLimits DecoderLimits::for_torrent(const PieceGeometry& geometry,
                                         const NegotiatedFeatures& features) {
  DecoderLimits limits;
  limits.geometry = geometry;
  limits.fast_extension = features.fast_extension;
  limits.extension_protocol = features.extension_protocol;
  return limits;
}

std::uint32_t DecoderLimits::message_length_max() const {
  const std::size_t bitfield_bytes =
      geometry ? geometry->bitfield_size_bytes() : std::size_t{piece_count_max / 8};
  std::size_t length =
      std::max<std::size_t>(piece_header_length + request_length_max, 1 + bitfield_bytes);
  if (extension_protocol) {
    length = std::max<std::size_t>(length, extended_header_length + extended_payload_size_max);
  }
  assert(length >= block_notice_length);
  assert(length <= 1 + piece_count_max / 8 + extended_payload_size_ceiling);
  return static_cast<std::uint32_t>(length);
}

WireDecoder::WireDecoder(const DecoderLimits& limits, HandshakeExpected handshake,
                         std::size_t buffer_size_bytes, ReceiveBufferPool* pool)
    : pool_(pool),
      own_storage_(std::make_unique_for_overwrite<std::uint8_t[]>(buffer_size_bytes)),
      own_size_bytes_(buffer_size_bytes),
      buffer_(own_storage_.get(), buffer_size_bytes),
      handshake_pending_(handshake == HandshakeExpected::yes) {
  assert(buffer_size_bytes >= buffer_size_min);
  set_limits(limits);
}

void WireDecoder::set_limits(const DecoderLimits& limits) {
  assert(limits.request_length_max > 0);
  assert(limits.request_length_max <= request_length_ceiling);
  assert(limits.extended_payload_size_max <= extended_payload_size_ceiling);
  if (limits.geometry) {
    const PieceGeometry& geometry = *limits.geometry;
    assert(geometry.piece_count > 0);
    assert(geometry.piece_count <= piece_count_max);
    assert(geometry.piece_length_bytes > 0);
    assert(geometry.total_size_bytes > geometry.piece_length_bytes * (geometry.piece_count - 1));
    assert(geometry.total_size_bytes <= geometry.piece_length_bytes * geometry.piece_count);
  }
  limits_ = limits;
}

std::span<std::uint8_t> WireDecoder::prepare() {
  if (begin_ == end_) {
    begin_ = 0;
    end_ = 0;
  } else if (buffer_.size() - end_ < read_size_min && begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  assert(begin_ <= end_);
  assert(end_ <= buffer_.size());
  return std::span(buffer_).subspan(end_);
}

void WireDecoder::release_if_empty() {
  if (begin_ != end_ || large_storage_ == nullptr) return;
  give_back_large();
  buffer_ = std::span(own_storage_.get(), own_size_bytes_);
  begin_ = 0;
  end_ = 0;
}

void WireDecoder::give_back_large() {
  if (large_storage_ == nullptr) return;
  if (large_from_pool_) pool_->give_back(std::move(large_storage_));
  large_storage_.reset();
  large_from_pool_ = false;
}

void WireDecoder::commit(std::size_t size_bytes) {
  assert(size_bytes <= buffer_.size() - end_);
  end_ += size_bytes;
}

std::size_t WireDecoder::feed(std::span<const std::uint8_t> bytes) {
  const auto space = prepare();
  const std::size_t size_bytes = std::min(space.size(), bytes.size());
  if (size_bytes > 0) std::memcpy(space.data(), bytes.data(), size_bytes);
  commit(size_bytes);
  return size_bytes;
}

ParseError WireDecoder::fail(WireError error, std::size_t buffer_position) {
  assert(buffer_position >= begin_);
  assert(!failure_);
  failure_ = ParseError{error, stream_offset_ + (buffer_position - begin_)};
  return *failure_;
}

void WireDecoder::consume(std::size_t size_bytes) {
  assert(size_bytes <= end_ - begin_);
  begin_ += size_bytes;
  stream_offset_ += size_bytes;
}

void WireDecoder::reserve_frame(std::size_t frame_size_bytes) {
  // With room for the frame plus one read, prepare() always makes progress.
  const std::size_t needed = frame_size_bytes + read_size_min;
  if (buffer_.size() >= needed) return;
  const bool pooled = pool_ != nullptr && needed <= pool_->buffer_size_bytes();
  const std::size_t size_bytes = pooled ? pool_->buffer_size_bytes() : needed;
  auto grown = pooled ? pool_->take() : std::make_unique_for_overwrite<std::uint8_t[]>(size_bytes);
  std::memcpy(grown.get(), buffer_.data() + begin_, end_ - begin_);
  end_ -= begin_;
  begin_ = 0;
  give_back_large();
  large_storage_ = std::move(grown);
  large_from_pool_ = pooled;
  buffer_ = std::span(large_storage_.get(), size_bytes);
  assert(buffer_.size() >= frame_size_bytes + read_size_min);
}

ParseResult<std::optional<Handshake>> WireDecoder::next_handshake() {
  assert(handshake_pending_);
  if (failure_) return *failure_;
  const std::size_t available = end_ - begin_;
  const auto view = std::span(buffer_).subspan(begin_, available);
  // Check the protocol name as it arrives, so that a stream of garbage fails at once.
  if (available >= 1 && view[0] != protocol_name.size()) {
    return fail(WireError::bad_protocol_name, begin_);
  }
  const std::size_t name_available = std::min(available, 1 + protocol_name.size());
  for (std::size_t index = 1; index < name_available; ++index) {
    if (view[index] != static_cast<std::uint8_t>(protocol_name[index - 1])) {
      return fail(WireError::bad_protocol_name, begin_ + index);
    }
  }
  if (available < handshake_size_bytes) return std::optional<Handshake>();
  Handshake handshake;
  std::size_t position = 1 + protocol_name.size();
  std::memcpy(handshake.reserved.bytes.data(), &view[position], 8);
  position += 8;
  std::memcpy(handshake.info_hash.data(), &view[position], 20);
  position += 20;
  std::memcpy(handshake.peer_id.data(), &view[position], 20);
  assert(position + 20 == handshake_size_bytes);
  consume(handshake_size_bytes);
  handshake_pending_ = false;
  return std::optional(handshake);
}

ParseResult<std::optional<Message>> WireDecoder::next() {
  assert(!handshake_pending_);
  if (failure_) return *failure_;
  const std::size_t available = end_ - begin_;
  if (available < length_prefix_size_bytes) return std::optional<Message>();
  const std::uint32_t length = read_u32(std::span(buffer_).subspan(begin_, available), 0);
  if (length == 0) {
    consume(length_prefix_size_bytes);
    return std::optional<Message>(KeepAlive{});
  }
  if (length > limits_.message_length_max()) return fail(WireError::message_too_large, begin_);
  if (available < message_header_size_bytes) return std::optional<Message>();
  const std::uint8_t id = buffer_[begin_ + length_prefix_size_bytes];
  if (const auto error = check_header(length, id)) {
    failure_ = *error;
    return *error;
  }
  const std::size_t frame_size = length_prefix_size_bytes + std::size_t{length};
  if (available < frame_size) {
    reserve_frame(frame_size);
    return std::optional<Message>();
  }
  auto message = decode_body(length, id);
  if (!message) {
    failure_ = message.error();
    return message.error();
  }
  consume(frame_size);
  return std::optional<Message>(std::move(*message));
}

// Checks what the length prefix and id alone tell, before the body is buffered.
std::optional<ParseError> WireDecoder::check_header(std::uint32_t length,
                                                    std::uint8_t raw_id) const {
  const std::uint64_t prefix_offset = stream_offset_;
  const std::uint64_t id_offset = prefix_offset + length_prefix_size_bytes;
  if (!is_known(raw_id)) return ParseError{WireError::unknown_message_id, id_offset};
  const auto id = static_cast<MessageId>(raw_id);
  if (is_fast_extension(id) && !limits_.fast_extension) {
    return ParseError{WireError::fast_extension_not_negotiated, id_offset};
  }
  if (id == MessageId::extended && !limits_.extension_protocol) {
    return ParseError{WireError::extension_protocol_not_negotiated, id_offset};
  }
  const std::uint32_t fixed = fixed_length(id);
  if (fixed != 0) {
    if (length != fixed) return ParseError{WireError::wrong_message_length, prefix_offset};
    return std::nullopt;
  }
  if (id == MessageId::bitfield) {
    const std::size_t expected = limits_.geometry ? limits_.geometry->bitfield_size_bytes() : 0;
    const bool size_ok =
        limits_.geometry ? length - 1 == expected : length - 1 <= std::size_t{piece_count_max / 8};
    if (!size_ok) return ParseError{WireError::bitfield_wrong_size, prefix_offset};
    return std::nullopt;
  }
  const std::uint32_t header =
      id == MessageId::piece ? piece_header_length : extended_header_length;
  const std::uint32_t payload_max =
      id == MessageId::piece ? limits_.request_length_max : limits_.extended_payload_size_max;
  if (length < header) return ParseError{WireError::wrong_message_length, prefix_offset};
  if (length - header > payload_max) return ParseError{WireError::message_too_large, prefix_offset};
  return std::nullopt;
}

std::optional<ParseError> WireDecoder::check_piece_index(std::uint32_t piece_index,
                                                         std::size_t position) const {
  const std::uint32_t count = limits_.geometry ? limits_.geometry->piece_count : piece_count_max;
  if (piece_index < count) return std::nullopt;
  return ParseError{WireError::piece_index_out_of_range, stream_offset_ + (position - begin_)};
}

// `position` is the buffer position of the piece index; begin and length follow it.
std::optional<ParseError> WireDecoder::check_block(std::uint32_t piece_index, std::uint32_t begin,
                                                   std::uint64_t length,
                                                   std::size_t position) const {
  const std::uint64_t offset = stream_offset_ + (position - begin_);
  if (const auto error = check_piece_index(piece_index, position)) return error;
  if (length == 0 || length > limits_.request_length_max) {
    return ParseError{WireError::block_length_invalid, offset + 8};
  }
  if (limits_.geometry && begin + length > limits_.geometry->piece_size_bytes(piece_index)) {
    return ParseError{WireError::block_outside_piece, offset + 4};
  }
  return std::nullopt;
}

ParseResult<Message> WireDecoder::decode_bitfield(std::span<const std::uint8_t> bits,
                                                  std::size_t position) {
  if (limits_.geometry) {
    assert(bits.size() == limits_.geometry->bitfield_size_bytes());
    const std::uint32_t used_bits = limits_.geometry->piece_count % 8;
    if (used_bits != 0 && (bits.back() & (0xffu >> used_bits)) != 0) {
      return ParseError{WireError::bitfield_spare_bits_set,
                        stream_offset_ + (position - begin_) + bits.size() - 1};
    }
  }
  return Message(Bitfield{.bits = bits});
}

ParseResult<Message> WireDecoder::decode_body(std::uint32_t length, std::uint8_t raw_id) {
  const std::size_t position = begin_ + message_header_size_bytes;
  const auto body = std::span<const std::uint8_t>(buffer_).subspan(position, length - 1);
  const auto id = static_cast<MessageId>(raw_id);
  const auto piece_index = [&] { return read_u32(body, 0); };
  const auto block_notice = [&]<class Notice>(Notice notice) -> ParseResult<Message> {
    notice = Notice{
        .piece_index = piece_index(), .begin = read_u32(body, 4), .length = read_u32(body, 8)};
    if (auto error = check_block(notice.piece_index, notice.begin, notice.length, position)) {
      return *error;
    }
    return Message(notice);
  };
  const auto piece_notice = [&]<class Notice>(Notice notice) -> ParseResult<Message> {
    notice.piece_index = piece_index();
    if (auto error = check_piece_index(notice.piece_index, position)) return *error;
    return Message(notice);
  };
  switch (id) {
    case MessageId::choke:
      return Message(Choke{});
    case MessageId::unchoke:
      return Message(Unchoke{});
    case MessageId::interested:
      return Message(Interested{});
    case MessageId::not_interested:
      return Message(NotInterested{});
    case MessageId::have_all:
      return Message(HaveAll{});
    case MessageId::have_none:
      return Message(HaveNone{});
    case MessageId::have:
      return piece_notice(Have{});
    case MessageId::suggest:
      return piece_notice(Suggest{});
    case MessageId::allowed_fast:
      return piece_notice(AllowedFast{});
    case MessageId::request:
      return block_notice(Request{});
    case MessageId::cancel:
      return block_notice(Cancel{});
    case MessageId::reject:
      return block_notice(Reject{});
    case MessageId::bitfield:
      return decode_bitfield(body, position);
    case MessageId::port:
      return Message(Port{.port = read_u16(body, 0)});
    case MessageId::extended:
      return Message(Extended{.extended_id = body[0], .payload = body.subspan(1)});
    case MessageId::piece: {
      const Piece piece{
          .piece_index = piece_index(), .begin = read_u32(body, 4), .block = body.subspan(8)};
      if (auto error = check_block(piece.piece_index, piece.begin, piece.block.size(), position)) {
        return *error;
      }
      return Message(piece);
    }
  }
  assert(false && "check_header admits only known ids");
  return ParseError{WireError::unknown_message_id, stream_offset_ + length_prefix_size_bytes};
}

}  // namespace swarmlab::protocol::wire
