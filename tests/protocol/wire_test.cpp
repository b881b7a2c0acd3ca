#include "protocol/wire.hpp"
#include "protocol/wire_decoder.hpp"

#include "net/rng.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace swarmlab::protocol::wire {
namespace {

using Bytes = std::vector<std::uint8_t>;

// 21 pieces of 64 bytes, the last one 10 bytes long: the bitfield has 3 bytes and 3 spare bits.
constexpr PieceGeometry small_torrent{
    .piece_count = 21, .piece_length_bytes = 64, .total_size_bytes = 64 * 20 + 10};

DecoderLimits small_limits(bool fast = true, bool extension = true) {
  DecoderLimits limits;
  limits.geometry = small_torrent;
  limits.fast_extension = fast;
  limits.extension_protocol = extension;
  return limits;
}

Bytes bytes_of(std::string_view text) {
  return Bytes(text.begin(), text.end());
}

Bytes frame(const Message& message) {
  Bytes out;
  append_frame(out, message);
  return out;
}

Handshake sample_handshake() {
  Handshake handshake;
  handshake.reserved.set_extension_protocol(true);
  handshake.reserved.set_fast_extension(true);
  handshake.reserved.set_dht(true);
  for (std::uint8_t index = 0; index < 20; ++index) {
    handshake.info_hash[index] = index;
    handshake.peer_id[index] = static_cast<std::uint8_t>(0xa0 + index);
  }
  return handshake;
}

// Payload storage shared by the mixed stream's messages (spans point here).
const Bytes bitfield_bits{0xff, 0x0f, 0xa0};
const Bytes block_bytes = [] {
  Bytes block(64);
  for (std::size_t index = 0; index < block.size(); ++index)
    block[index] = std::uint8_t(index * 7);
  return block;
}();
const Bytes extension_handshake = bytes_of("d1:md11:ut_metadatai3eee");

std::vector<Message> mixed_messages() {
  return {Bitfield{.bits = bitfield_bits},
          Have{.piece_index = 20},
          KeepAlive{},
          Interested{},
          Unchoke{},
          Request{.piece_index = 3, .begin = 0, .length = 64},
          Piece{.piece_index = 3, .begin = 0, .block = block_bytes},
          Cancel{.piece_index = 3, .begin = 32, .length = 32},
          Port{.port = 6881},
          Suggest{.piece_index = 7},
          HaveAll{},
          HaveNone{},
          Reject{.piece_index = 20, .begin = 0, .length = 10},
          AllowedFast{.piece_index = 0},
          Extended{.extended_id = 0, .payload = extension_handshake},
          Choke{},
          NotInterested{},
          Piece{.piece_index = 20, .begin = 8, .block = std::span(block_bytes).first(2)},
          Extended{.extended_id = 3, .payload = {}}};
}

Bytes mixed_stream() {
  const auto handshake = encode_handshake(sample_handshake());
  Bytes stream(handshake.begin(), handshake.end());
  for (const Message& message : mixed_messages())
    append_frame(stream, message);
  return stream;
}

// Feeds `stream` in chunks of the sizes `next_chunk` picks and checks every message as soon as it
// is decoded (its views are valid only until the next call).
::testing::AssertionResult decode_mixed_in_chunks(const std::function<std::size_t()>& next_chunk) {
  const Bytes stream = mixed_stream();
  const std::vector<Message> expected = mixed_messages();
  WireDecoder decoder(small_limits());
  std::size_t fed = 0;
  std::size_t decoded = 0;
  bool handshake_seen = false;
  while (fed < stream.size()) {
    const std::size_t chunk = std::min(next_chunk(), stream.size() - fed);
    const std::size_t taken = decoder.feed(std::span(stream).subspan(fed, chunk));
    if (taken != chunk) return ::testing::AssertionFailure() << "feed took " << taken;
    fed += taken;
    if (!handshake_seen) {
      auto handshake = decoder.next_handshake();
      if (!handshake) return ::testing::AssertionFailure() << handshake.error().describe();
      if (!*handshake) continue;
      if (**handshake != sample_handshake()) return ::testing::AssertionFailure() << "handshake";
      handshake_seen = true;
    }
    for (std::size_t guard = 0; guard <= expected.size(); ++guard) {
      auto message = decoder.next();
      if (!message) return ::testing::AssertionFailure() << message.error().describe();
      if (!*message) break;
      if (decoded == expected.size()) return ::testing::AssertionFailure() << "extra message";
      if (**message != expected[decoded]) {
        return ::testing::AssertionFailure()
               << "message " << decoded << " (" << message_name(expected[decoded]) << ") differs";
      }
      ++decoded;
    }
  }
  if (decoded != expected.size()) return ::testing::AssertionFailure() << "decoded " << decoded;
  if (decoder.consumed_bytes() != stream.size()) return ::testing::AssertionFailure() << "bytes";
  return ::testing::AssertionSuccess();
}

TEST(WireHandshake, EncodesTheSixtyEightBytes) {
  const auto bytes = encode_handshake(sample_handshake());
  EXPECT_EQ(bytes[0], 19);
  EXPECT_EQ(std::string(bytes.begin() + 1, bytes.begin() + 20), "BitTorrent protocol");
  const Bytes reserved(bytes.begin() + 20, bytes.begin() + 28);
  EXPECT_EQ(reserved, (Bytes{0, 0, 0, 0, 0, 0x10, 0, 0x05}));
  EXPECT_EQ(bytes[28], 0);
  EXPECT_EQ(bytes[47], 19);
  EXPECT_EQ(bytes[48], 0xa0);
  EXPECT_EQ(bytes[67], 0xb3);
}

TEST(WireHandshake, ReservedBitHelpersAndNegotiation) {
  ReservedBits ours;
  ours.set_dht(true);
  ours.set_fast_extension(true);
  ours.set_extension_protocol(true);
  EXPECT_TRUE(ours.dht() && ours.fast_extension() && ours.extension_protocol());
  ReservedBits theirs;
  theirs.set_extension_protocol(true);
  theirs.set_dht(true);
  theirs.set_dht(false);
  EXPECT_EQ(theirs.bytes, (std::array<std::uint8_t, 8>{0, 0, 0, 0, 0, 0x10, 0, 0}));
  EXPECT_EQ(
      negotiate(ours, theirs),
      (NegotiatedFeatures{.dht = false, .fast_extension = false, .extension_protocol = true}));
}

TEST(WireEncode, FixedMessagesMatchBep3Layout) {
  EXPECT_EQ(frame(KeepAlive{}), (Bytes{0, 0, 0, 0}));
  EXPECT_EQ(frame(Choke{}), (Bytes{0, 0, 0, 1, 0}));
  EXPECT_EQ(frame(Unchoke{}), (Bytes{0, 0, 0, 1, 1}));
  EXPECT_EQ(frame(Interested{}), (Bytes{0, 0, 0, 1, 2}));
  EXPECT_EQ(frame(NotInterested{}), (Bytes{0, 0, 0, 1, 3}));
  EXPECT_EQ(frame(Have{.piece_index = 0x01020304}), (Bytes{0, 0, 0, 5, 4, 1, 2, 3, 4}));
  EXPECT_EQ(frame(Request{.piece_index = 1, .begin = 0x4000, .length = 0x4000}),
            (Bytes{0, 0, 0, 13, 6, 0, 0, 0, 1, 0, 0, 0x40, 0, 0, 0, 0x40, 0}));
  EXPECT_EQ(frame(Cancel{.piece_index = 2, .begin = 0, .length = 1}),
            (Bytes{0, 0, 0, 13, 8, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1}));
  EXPECT_EQ(frame(Port{.port = 0x1ae1}), (Bytes{0, 0, 0, 3, 9, 0x1a, 0xe1}));
}

TEST(WireEncode, FastExtensionMessagesMatchBep6Layout) {
  EXPECT_EQ(frame(Suggest{.piece_index = 9}), (Bytes{0, 0, 0, 5, 13, 0, 0, 0, 9}));
  EXPECT_EQ(frame(HaveAll{}), (Bytes{0, 0, 0, 1, 14}));
  EXPECT_EQ(frame(HaveNone{}), (Bytes{0, 0, 0, 1, 15}));
  EXPECT_EQ(frame(Reject{.piece_index = 1, .begin = 2, .length = 3}),
            (Bytes{0, 0, 0, 13, 16, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3}));
  EXPECT_EQ(frame(AllowedFast{.piece_index = 258}), (Bytes{0, 0, 0, 5, 17, 0, 0, 1, 2}));
}

TEST(WireEncode, PayloadMessagesKeepThePayloadOutOfTheHeader) {
  const Bytes block{0xde, 0xad, 0xbe, 0xef};
  const Message piece = Piece{.piece_index = 5, .begin = 16, .block = block};
  const FrameHeader header = encode_header(piece);
  EXPECT_EQ(Bytes(header.view().begin(), header.view().end()),
            (Bytes{0, 0, 0, 13, 7, 0, 0, 0, 5, 0, 0, 0, 16}));
  EXPECT_EQ(payload_of(piece).data(), block.data());
  EXPECT_EQ(frame_size_bytes(piece), 17u);
  EXPECT_EQ(frame(Bitfield{.bits = block}), (Bytes{0, 0, 0, 5, 5, 0xde, 0xad, 0xbe, 0xef}));
  EXPECT_EQ(frame(Extended{.extended_id = 2, .payload = std::span(block).first(1)}),
            (Bytes{0, 0, 0, 3, 20, 2, 0xde}));
}

TEST(WireDecode, WholeStreamAtOnce) {
  const Bytes stream = mixed_stream();
  EXPECT_TRUE(decode_mixed_in_chunks([&] { return stream.size(); }));
}

TEST(WireDecode, OneByteAtATime) {
  EXPECT_TRUE(decode_mixed_in_chunks([] { return std::size_t{1}; }));
}

TEST(WireDecode, EverySplitIntoTwoChunks) {
  const std::size_t size = mixed_stream().size();
  for (std::size_t split = 1; split < size; ++split) {
    bool first = true;
    const auto chunks = [&] {
      const std::size_t chunk = first ? split : size;
      first = false;
      return chunk;
    };
    ASSERT_TRUE(decode_mixed_in_chunks(chunks)) << "split at " << split;
  }
}

TEST(WireDecode, SeededRandomChunkings) {
  net::Rng rng(20240601);
  for (int round = 0; round < 300; ++round) {
    const auto chunk_max = static_cast<std::uint64_t>(rng.between(1, 64));
    ASSERT_TRUE(decode_mixed_in_chunks([&] { return rng.between(1, chunk_max); }))
        << "round " << round;
  }
}

TEST(WireDecode, SocketStyleReadsIntoPreparedSpace) {
  const Bytes stream = mixed_stream();
  WireDecoder decoder(small_limits());
  std::size_t fed = 0;
  std::size_t messages = 0;
  bool handshake_seen = false;
  for (int reads = 0; reads < 100 && fed < stream.size(); ++reads) {
    const auto space = decoder.prepare();
    ASSERT_GE(space.size(), read_size_min);
    const std::size_t size = std::min<std::size_t>({space.size(), stream.size() - fed, 50});
    std::copy_n(stream.begin() + static_cast<std::ptrdiff_t>(fed), size, space.begin());
    decoder.commit(size);
    fed += size;
    if (!handshake_seen) handshake_seen = decoder.next_handshake().value().has_value();
    if (!handshake_seen) continue;
    while (decoder.next().value())
      ++messages;
  }
  EXPECT_EQ(messages, mixed_messages().size());
  EXPECT_EQ(decoder.buffered_bytes(), 0u);
}

TEST(WireDecode, FullSizeBlocksAreViewsIntoTheBuffer) {
  const PieceGeometry geometry{.piece_count = 4,
                               .piece_length_bytes = 4 * block_size_bytes,
                               .total_size_bytes = 16 * block_size_bytes};
  WireDecoder decoder(DecoderLimits::for_torrent(geometry, {}), HandshakeExpected::no);
  Bytes block(block_size_bytes);
  for (std::size_t index = 0; index < block.size(); ++index)
    block[index] = std::uint8_t(index);
  Bytes stream;
  for (std::uint32_t index = 0; index < 40; ++index) {
    append_frame(
        stream,
        Piece{.piece_index = index % 4, .begin = (index % 4) * block_size_bytes, .block = block});
  }
  std::size_t fed = 0;
  std::size_t pieces = 0;
  for (int round = 0; round < 1000 && fed < stream.size(); ++round) {
    fed += decoder.feed(
        std::span(stream).subspan(fed, std::min<std::size_t>(5000, stream.size() - fed)));
    for (auto message = decoder.next().value(); message; message = decoder.next().value()) {
      const auto& piece = std::get<Piece>(*message);
      EXPECT_EQ(piece.piece_index, pieces % 4);
      EXPECT_TRUE(std::ranges::equal(piece.block, block));
      ++pieces;
    }
  }
  EXPECT_EQ(pieces, 40u);
}

TEST(WireDecode, UnknownGeometryAcceptsAnyBitfieldUpToTheCeiling) {
  DecoderLimits limits;
  limits.fast_extension = true;
  WireDecoder decoder(limits, HandshakeExpected::no);
  const Bytes bits(1000, 0xff);
  const Bytes stream = frame(Bitfield{.bits = bits});
  EXPECT_EQ(decoder.feed(stream), stream.size());
  const auto message = decoder.next();
  ASSERT_TRUE(message && *message);
  EXPECT_EQ(std::get<Bitfield>(**message).bits.size(), 1000u);
}

TEST(WireDecode, LargeBitfieldGrowsTheBuffer) {
  const PieceGeometry geometry{.piece_count = piece_count_max,
                               .piece_length_bytes = 16384,
                               .total_size_bytes = std::uint64_t{piece_count_max} * 16384};
  WireDecoder decoder(DecoderLimits::for_torrent(geometry, {}), HandshakeExpected::no);
  const Bytes bits(piece_count_max / 8, 0x55);
  const Bytes stream = frame(Bitfield{.bits = bits});
  std::size_t fed = 0;
  std::optional<std::size_t> size;
  for (int round = 0; round < 1000 && fed < stream.size(); ++round) {
    fed += decoder.feed(std::span(stream).subspan(fed));
    if (auto message = decoder.next().value()) size = std::get<Bitfield>(*message).bits.size();
  }
  EXPECT_EQ(size, bits.size());
}

// Negative cases: each malformed input has its error code and the stream offset of the fault.
class WireNegative : public ::testing::Test {
 protected:
  // Decodes a prefix of good messages then `bad`; the fault offsets count from the stream start.
  void expect_error(const Bytes& bad, WireError code, std::size_t offset_in_bad,
                    DecoderLimits limits = small_limits()) {
    Bytes stream = frame(Interested{});
    const std::size_t prefix = stream.size();
    stream.insert(stream.end(), bad.begin(), bad.end());
    WireDecoder decoder(limits, HandshakeExpected::no);
    ASSERT_EQ(decoder.feed(stream), stream.size());
    ASSERT_TRUE(decoder.next().value());
    const auto result = decoder.next();
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, make_error_code(code)) << result.error().describe();
    EXPECT_EQ(result.error().offset, prefix + offset_in_bad) << result.error().describe();
    const auto again = decoder.next();
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error(), result.error());
  }
};

TEST_F(WireNegative, HandshakeWrongNameLength) {
  WireDecoder decoder(small_limits());
  Bytes bytes{18};
  decoder.feed(bytes);
  const auto result = decoder.next_handshake();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, make_error_code(WireError::bad_protocol_name));
  EXPECT_EQ(result.error().offset, 0u);
}

TEST_F(WireNegative, HandshakeWrongNameDetectedBeforeSixtyEightBytes) {
  WireDecoder decoder(small_limits());
  const Bytes bytes = bytes_of(
      "\x13"
      "BitTorrent protocoL");
  decoder.feed(bytes);
  const auto result = decoder.next_handshake();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, make_error_code(WireError::bad_protocol_name));
  EXPECT_EQ(result.error().offset, 19u);
}

TEST_F(WireNegative, HttpRequestInsteadOfHandshake) {
  WireDecoder decoder(small_limits());
  decoder.feed(bytes_of("GET / HTTP/1.1\r\n"));
  const auto result = decoder.next_handshake();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().offset, 0u);
}

TEST_F(WireNegative, LengthPrefixAboveStreamMaximum) {
  expect_error(Bytes{0x00, 0x10, 0x00, 0x00, 7}, WireError::message_too_large, 0);
}

TEST_F(WireNegative, HugeLengthPrefixFailsBeforeTheIdArrives) {
  expect_error(Bytes{0xff, 0xff, 0xff, 0xff}, WireError::message_too_large, 0);
}

TEST_F(WireNegative, PieceBlockAboveRequestLimit) {
  DecoderLimits limits = small_limits();
  limits.geometry =
      PieceGeometry{.piece_count = 1, .piece_length_bytes = 1 << 20, .total_size_bytes = 1 << 20};
  const std::uint32_t length = 9 + block_size_bytes + 1;
  expect_error(
      Bytes{0, std::uint8_t(length >> 16), std::uint8_t(length >> 8), std::uint8_t(length), 7},
      WireError::message_too_large, 0, limits);
}

TEST_F(WireNegative, UnknownMessageId) {
  expect_error(Bytes{0, 0, 0, 1, 10}, WireError::unknown_message_id, 4);
}

TEST_F(WireNegative, ChokeWithABody) {
  expect_error(Bytes{0, 0, 0, 2, 0, 0}, WireError::wrong_message_length, 0);
}

TEST_F(WireNegative, HaveWithShortBodyDetectedFromHeaderAlone) {
  expect_error(Bytes{0, 0, 0, 4, 4}, WireError::wrong_message_length, 0);
}

TEST_F(WireNegative, RequestWithLongBody) {
  expect_error(Bytes{0, 0, 0, 14, 6}, WireError::wrong_message_length, 0);
}

TEST_F(WireNegative, PortWithShortBody) {
  expect_error(Bytes{0, 0, 0, 2, 9, 1}, WireError::wrong_message_length, 0);
}

TEST_F(WireNegative, PieceShorterThanItsHeader) {
  expect_error(Bytes{0, 0, 0, 8, 7}, WireError::wrong_message_length, 0);
}

TEST_F(WireNegative, ExtendedWithoutExtendedId) {
  expect_error(Bytes{0, 0, 0, 1, 20}, WireError::wrong_message_length, 0);
}

TEST_F(WireNegative, BitfieldOneByteTooLong) {
  expect_error(Bytes{0, 0, 0, 5, 5, 0, 0, 0, 0}, WireError::bitfield_wrong_size, 0);
}

TEST_F(WireNegative, BitfieldOneByteTooShort) {
  expect_error(Bytes{0, 0, 0, 3, 5, 0, 0}, WireError::bitfield_wrong_size, 0);
}

TEST_F(WireNegative, BitfieldSpareBitSet) {
  // 21 pieces: the last byte may only use its top 5 bits.
  expect_error(Bytes{0, 0, 0, 4, 5, 0xff, 0xff, 0xf9}, WireError::bitfield_spare_bits_set, 7);
}

TEST_F(WireNegative, HavePieceIndexEqualToPieceCount) {
  expect_error(frame(Have{.piece_index = 21}), WireError::piece_index_out_of_range, 5);
}

TEST_F(WireNegative, SuggestPieceIndexOutOfRange) {
  expect_error(frame(Suggest{.piece_index = 0xffffffff}), WireError::piece_index_out_of_range, 5);
}

TEST_F(WireNegative, RequestPieceIndexOutOfRange) {
  expect_error(frame(Request{.piece_index = 99, .begin = 0, .length = 1}),
               WireError::piece_index_out_of_range, 5);
}

TEST_F(WireNegative, RequestLengthZero) {
  expect_error(frame(Request{.piece_index = 0, .begin = 0, .length = 0}),
               WireError::block_length_invalid, 13);
}

TEST_F(WireNegative, RequestLengthAboveLimit) {
  expect_error(frame(Request{.piece_index = 0, .begin = 0, .length = block_size_bytes + 1}),
               WireError::block_length_invalid, 13);
}

TEST_F(WireNegative, RequestPastEndOfPiece) {
  expect_error(frame(Request{.piece_index = 0, .begin = 32, .length = 33}),
               WireError::block_outside_piece, 9);
}

TEST_F(WireNegative, RequestPastEndOfShortLastPiece) {
  expect_error(frame(Cancel{.piece_index = 20, .begin = 0, .length = 11}),
               WireError::block_outside_piece, 9);
}

TEST_F(WireNegative, RejectWithHugeBeginDoesNotOverflow) {
  expect_error(frame(Reject{.piece_index = 1, .begin = 0xffffffff, .length = 16}),
               WireError::block_outside_piece, 9);
}

TEST_F(WireNegative, PiecePastEndOfPiece) {
  const Bytes block(10);
  expect_error(frame(Piece{.piece_index = 1, .begin = 60, .block = block}),
               WireError::block_outside_piece, 9);
}

TEST_F(WireNegative, PieceIndexOutOfRange) {
  const Bytes block(10);
  expect_error(frame(Piece{.piece_index = 21, .begin = 0, .block = block}),
               WireError::piece_index_out_of_range, 5);
}

TEST_F(WireNegative, HaveAllWithoutFastExtension) {
  expect_error(frame(HaveAll{}), WireError::fast_extension_not_negotiated, 4,
               small_limits(/*fast=*/false));
}

TEST_F(WireNegative, RejectWithoutFastExtension) {
  expect_error(frame(Reject{.piece_index = 0, .begin = 0, .length = 1}),
               WireError::fast_extension_not_negotiated, 4, small_limits(/*fast=*/false));
}

TEST_F(WireNegative, ExtendedWithoutExtensionProtocol) {
  expect_error(frame(Extended{.extended_id = 0, .payload = {}}),
               WireError::extension_protocol_not_negotiated, 4,
               small_limits(/*fast=*/true, /*extension=*/false));
}

TEST_F(WireNegative, ExtendedPayloadAboveLimit) {
  DecoderLimits limits = small_limits();
  limits.extended_payload_size_max = 100;
  expect_error(Bytes{0, 0, 0, 103, 20, 0}, WireError::message_too_large, 0, limits);
}

}  // namespace
}  // namespace swarmlab::protocol::wire

namespace swarmlab::protocol::wire {
namespace {

// Feeds `stream` to `decoder` through prepare() and commit() and decodes all it can.
std::size_t feed_and_count(WireDecoder& decoder, std::span<const std::uint8_t> stream) {
  std::size_t messages = 0;
  for (std::size_t fed = 0; fed < stream.size();) {
    const auto space = decoder.prepare();
    const std::size_t size = std::min(space.size(), stream.size() - fed);
    std::copy_n(stream.begin() + static_cast<std::ptrdiff_t>(fed), size, space.begin());
    decoder.commit(size);
    fed += size;
    while (decoder.next().value())
      ++messages;
  }
  return messages;
}

TEST(ReceiveBufferPool, LendsTheBufferGivenBackLastAndKeepsFewSpares) {
  ReceiveBufferPool pool(1024, 2);
  auto first = pool.take();
  auto second = pool.take();
  auto third = pool.take();
  const std::uint8_t* second_address = second.get();
  pool.give_back(std::move(first));
  pool.give_back(std::move(second));
  pool.give_back(std::move(third));
  EXPECT_EQ(pool.spare_count(), 2u);
  EXPECT_EQ(pool.take().get(), second_address);
  EXPECT_EQ(pool.spare_count(), 1u);
}

TEST(WireDecode, ABlockGoesInAPooledBufferThatReturnsOnceDrained) {
  const PieceGeometry geometry{
      .piece_count = 4, .piece_length_bytes = 64 * 1024, .total_size_bytes = 256 * 1024};
  ReceiveBufferPool pool(block_size_bytes + frame_header_size_max + read_size_min, 4);
  WireDecoder decoder(DecoderLimits::for_torrent(geometry, {}), HandshakeExpected::no,
                      buffer_size_min, &pool);
  std::vector<std::uint8_t> block(block_size_bytes, 0x5a);
  std::vector<std::uint8_t> stream;
  append_frame(stream, Have{.piece_index = 2});
  append_frame(stream, Piece{.piece_index = 1, .begin = 0, .block = block});
  // All but the last byte: the block is still partial and keeps the pool's buffer.
  EXPECT_EQ(feed_and_count(decoder, std::span(stream).first(stream.size() - 1)), 1u);
  EXPECT_EQ(decoder.buffer_size_bytes(), pool.buffer_size_bytes());
  decoder.release_if_empty();
  EXPECT_EQ(decoder.buffer_size_bytes(), pool.buffer_size_bytes());
  EXPECT_EQ(pool.spare_count(), 0u);
  EXPECT_EQ(feed_and_count(decoder, std::span(stream).last(1)), 1u);
  decoder.release_if_empty();
  EXPECT_EQ(decoder.buffer_size_bytes(), buffer_size_min);
  EXPECT_EQ(pool.spare_count(), 1u);
  // The next block borrows it again.
  EXPECT_EQ(feed_and_count(decoder, std::span(stream)), 2u);
  EXPECT_EQ(pool.spare_count(), 0u);
  decoder.release_if_empty();
  EXPECT_EQ(pool.spare_count(), 1u);
}

TEST(WireDecode, AMessageLargerThanThePoolsBuffersGetsItsOwn) {
  const PieceGeometry geometry{
      .piece_count = 4, .piece_length_bytes = 64 * 1024, .total_size_bytes = 256 * 1024};
  ReceiveBufferPool pool(4 * 1024, 4);
  WireDecoder decoder(DecoderLimits::for_torrent(geometry, {}), HandshakeExpected::no,
                      buffer_size_min, &pool);
  std::vector<std::uint8_t> block(block_size_bytes, 0x5a);
  std::vector<std::uint8_t> stream;
  append_frame(stream, Piece{.piece_index = 1, .begin = 0, .block = block});
  EXPECT_EQ(feed_and_count(decoder, stream), 1u);
  EXPECT_GT(decoder.buffer_size_bytes(), block_size_bytes);
  decoder.release_if_empty();
  EXPECT_EQ(decoder.buffer_size_bytes(), buffer_size_min);
  EXPECT_EQ(pool.spare_count(), 0u);
}

TEST(WireDecode, SmallBufferGrowsForABlockAndShrinksWhenEmpty) {
  const PieceGeometry geometry{
      .piece_count = 4, .piece_length_bytes = 64 * 1024, .total_size_bytes = 256 * 1024};
  WireDecoder decoder(DecoderLimits::for_torrent(geometry, {}), HandshakeExpected::no,
                      buffer_size_min);
  std::vector<std::uint8_t> block(block_size_bytes, 0x5a);
  std::vector<std::uint8_t> stream;
  append_frame(stream, Have{.piece_index = 2});
  append_frame(stream, Piece{.piece_index = 1, .begin = 16 * 1024, .block = block});
  append_frame(stream, Have{.piece_index = 3});
  std::size_t fed = 0;
  std::vector<Message> messages;
  for (int reads = 0; reads < 1000 && fed < stream.size(); ++reads) {
    const auto space = decoder.prepare();
    ASSERT_FALSE(space.empty());
    const std::size_t size = std::min(space.size(), stream.size() - fed);
    std::copy_n(stream.begin() + static_cast<std::ptrdiff_t>(fed), size, space.begin());
    decoder.commit(size);
    fed += size;
    while (auto message = decoder.next().value()) {
      // Views into the buffer: compare the block before the buffer changes.
      if (const auto* piece = std::get_if<Piece>(&*message)) {
        EXPECT_TRUE(std::equal(piece->block.begin(), piece->block.end(), block.begin()));
      }
      messages.push_back(*message);
    }
  }
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(std::get<Have>(messages[2]).piece_index, 3u);
  EXPECT_GT(decoder.buffer_size_bytes(), block_size_bytes);
  decoder.release_if_empty();
  EXPECT_EQ(decoder.buffer_size_bytes(), buffer_size_min);
  // It still decodes after shrinking.
  std::vector<std::uint8_t> more;
  append_frame(more, Have{.piece_index = 0});
  EXPECT_EQ(decoder.feed(more), more.size());
  EXPECT_EQ(std::get<Have>(decoder.next().value().value()).piece_index, 0u);
}

}  // namespace
}  // namespace swarmlab::protocol::wire
