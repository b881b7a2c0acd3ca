#include "protocol/extension.hpp"
#include "protocol/bencode.hpp"

#include <gtest/gtest.h>

#include <string>

namespace swarmlab::protocol::extension {
namespace {

using namespace std::string_literals;
using namespace std::string_view_literals;

std::span<const std::uint8_t> bytes(std::string_view text) {
  return std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

template <class Decode>
void expect_error(Decode decode, std::string_view payload, std::error_code code,
                  std::size_t offset) {
  const auto result = decode(bytes(payload));
  ASSERT_FALSE(result) << payload;
  EXPECT_EQ(result.error().code, code) << result.error().describe();
  EXPECT_EQ(result.error().offset, offset) << result.error().describe();
}

void expect_handshake_error(std::string_view payload, ExtensionError code, std::size_t offset) {
  expect_error([](auto input) { return decode_handshake(input); }, payload, make_error_code(code),
               offset);
}
void expect_metadata_error(std::string_view payload, ExtensionError code, std::size_t offset) {
  expect_error([](auto input) { return decode_metadata_message(input); }, payload,
               make_error_code(code), offset);
}
void expect_pex_error(std::string_view payload, ExtensionError code, std::size_t offset) {
  expect_error([](auto input) { return decode_pex(input); }, payload, make_error_code(code),
               offset);
}

constexpr std::string_view full_handshake =
    "d4:ipv44:\x0a\x00\x00\x01"
    "1:md11:ut_metadatai3e6:ut_pexi1ee13:metadata_sizei31235e1:pi6881e4:reqqi500e"
    "1:v14:swarmlab 0.1.06:yourip4:\x7f\x00\x00\x01"
    "e"sv;

TEST(ExtensionHandshake, DecodesEveryField) {
  const auto handshake = decode_handshake(bytes(full_handshake));
  ASSERT_TRUE(handshake) << handshake.error().describe();
  EXPECT_EQ(handshake->id_of(ut_metadata_name), 3);
  EXPECT_EQ(handshake->id_of(ut_pex_name), 1);
  EXPECT_EQ(handshake->id_of("lt_donthave"), 0);
  EXPECT_EQ(handshake->metadata_size, 31235u);
  EXPECT_EQ(handshake->listen_port, 6881);
  EXPECT_EQ(handshake->request_queue_size, 500u);
  EXPECT_EQ(handshake->client, "swarmlab 0.1.0");
  ASSERT_TRUE(handshake->your_ip);
  EXPECT_EQ(handshake->your_ip->to_string(), "127.0.0.1:0");
  EXPECT_EQ(handshake->ipv4, (std::array<std::uint8_t, 4>{10, 0, 0, 1}));
  EXPECT_FALSE(handshake->ipv6);
}

TEST(ExtensionHandshake, EncodesCanonicallyAndRoundTrips) {
  const auto handshake = decode_handshake(bytes(full_handshake));
  ASSERT_TRUE(handshake);
  EXPECT_EQ(encode_handshake(*handshake), full_handshake);
}

TEST(ExtensionHandshake, IgnoresUnknownKeysAndKeepsDisabledExtensions) {
  const auto handshake =
      decode_handshake(bytes("d1:ei1e1:md11:lt_donthavei7e11:ut_metadatai0ee11:upload_onlyi1ee"));
  ASSERT_TRUE(handshake) << handshake.error().describe();
  EXPECT_EQ(handshake->messages.size(), 2u);
  EXPECT_EQ(handshake->id_of("lt_donthave"), 7);
  EXPECT_EQ(handshake->id_of(ut_metadata_name), 0);
  EXPECT_FALSE(handshake->listen_port);
}

TEST(ExtensionHandshake, Ipv6Addresses) {
  ExtensionHandshake handshake;
  std::array<std::uint8_t, 16> address{};
  address[15] = 1;
  handshake.ipv6 = address;
  handshake.your_ip = PeerAddress::ipv6(address, 0);
  const std::string encoded = encode_handshake(handshake);
  EXPECT_EQ(encoded, std::string("d4:ipv616:") + std::string(15, '\0') +
                         "\x01"
                         "1:mde6:yourip16:" +
                         std::string(15, '\0') +
                         "\x01"
                         "e");
  EXPECT_EQ(decode_handshake(bytes(encoded)).value(), handshake);
}

TEST(ExtensionHandshakeNegative, NotADictionary) {
  expect_handshake_error("li1ee", ExtensionError::not_a_dictionary, 0);
}

TEST(ExtensionHandshakeNegative, UnsortedKeysAreABencodeError) {
  expect_error([](auto input) { return decode_handshake(input); }, "d1:pi1e1:md1:ai1eee",
               bencode::make_error_code(bencode::Error::unsorted_key), 7);
}

TEST(ExtensionHandshakeNegative, TruncatedPayload) {
  expect_error([](auto input) { return decode_handshake(input); }, "d1:md11:ut_meta",
               bencode::make_error_code(bencode::Error::length_exceeds_input), 5);
}

TEST(ExtensionHandshakeNegative, MessagesNotADictionary) {
  expect_handshake_error("d1:mi1ee", ExtensionError::wrong_type, 4);
}

TEST(ExtensionHandshakeNegative, ExtensionIdNotAnInteger) {
  expect_handshake_error("d1:md1:a1:xee", ExtensionError::wrong_type, 8);
}

TEST(ExtensionHandshakeNegative, ExtensionIdAbove255) {
  expect_handshake_error("d1:md1:ai256eee", ExtensionError::value_out_of_range, 8);
}

TEST(ExtensionHandshakeNegative, NegativeExtensionId) {
  expect_handshake_error("d1:md1:ai-1eee", ExtensionError::value_out_of_range, 8);
}

TEST(ExtensionHandshakeNegative, DuplicateExtensionId) {
  expect_handshake_error("d1:md1:ai1e1:bi1eee", ExtensionError::duplicate_extension_id, 14);
}

TEST(ExtensionHandshakeNegative, ExtensionNameTooLong) {
  const std::string name(extension_name_size_max + 1, 'x');
  expect_handshake_error("d1:md65:" + name + "i1eee", ExtensionError::value_too_long, 5);
}

TEST(ExtensionHandshakeNegative, TooManyExtensions) {
  std::string payload = "d1:md";
  std::vector<std::string> names;
  for (std::size_t index = 0; index <= extension_count_max; ++index) {
    char name[8];
    std::snprintf(name, sizeof name, "x%04zu", index);
    names.emplace_back(name);
  }
  std::size_t last_key_offset = 0;
  for (const std::string& name : names) {
    last_key_offset = payload.size();
    payload += "5:" + name + "i0e";
  }
  payload += "ee";
  expect_handshake_error(payload, ExtensionError::too_many_extensions, last_key_offset);
}

TEST(ExtensionHandshakeNegative, PortAbove65535) {
  expect_handshake_error("d1:pi65536ee", ExtensionError::value_out_of_range, 4);
}

TEST(ExtensionHandshakeNegative, ClientNameNotAString) {
  expect_handshake_error("d1:vi1ee", ExtensionError::wrong_type, 4);
}

TEST(ExtensionHandshakeNegative, ClientNameTooLong) {
  expect_handshake_error("d1:v257:" + std::string(257, 'v') + "e", ExtensionError::value_too_long,
                         4);
}

TEST(ExtensionHandshakeNegative, NegativeRequestQueue) {
  expect_handshake_error("d4:reqqi-5ee", ExtensionError::value_out_of_range, 7);
}

TEST(ExtensionHandshakeNegative, MetadataSizeAboveLimit) {
  expect_handshake_error("d13:metadata_sizei99999999999ee", ExtensionError::value_out_of_range, 17);
}

TEST(ExtensionHandshakeNegative, YourIpOfThreeBytes) {
  expect_handshake_error("d6:yourip3:abce", ExtensionError::bad_address_size, 9);
}

TEST(ExtensionHandshakeNegative, Ipv6OfFourBytes) {
  expect_handshake_error("d4:ipv64:abcde", ExtensionError::bad_address_size, 7);
}

TEST(UtMetadata, DecodesTheBep9Examples) {
  const auto request = decode_metadata_message(bytes("d8:msg_typei0e5:piecei0ee"));
  ASSERT_TRUE(request);
  EXPECT_EQ(request->type, MetadataMessageType::request);
  EXPECT_EQ(request->piece, 0u);
  const auto reject = decode_metadata_message(bytes("d8:msg_typei2e5:piecei5ee"));
  ASSERT_TRUE(reject);
  EXPECT_EQ(reject->type, MetadataMessageType::reject);
  EXPECT_EQ(reject->piece, 5u);
}

TEST(UtMetadata, DataCarriesTheTrailingPiece) {
  const std::string piece(3425, 'x');
  const std::string payload = "d8:msg_typei1e5:piecei0e10:total_sizei3425ee" + piece;
  const auto data = decode_metadata_message(bytes(payload));
  ASSERT_TRUE(data) << data.error().describe();
  EXPECT_EQ(data->type, MetadataMessageType::data);
  EXPECT_EQ(data->total_size_bytes, 3425u);
  EXPECT_EQ(data->data.size(), 3425u);
  EXPECT_EQ(data->data.data(), bytes(payload).data() + 44);
  EXPECT_EQ(encode_metadata_message(*data), payload);
}

TEST(UtMetadata, PieceSizes) {
  EXPECT_EQ(metadata_piece_count(1), 1u);
  EXPECT_EQ(metadata_piece_count(16384), 1u);
  EXPECT_EQ(metadata_piece_count(16385), 2u);
  EXPECT_EQ(metadata_piece_size(16385, 0), 16384u);
  EXPECT_EQ(metadata_piece_size(16385, 1), 1u);
}

TEST(UtMetadata, FullMiddlePieceRoundTrips) {
  const std::string block(16384, 'b');
  const MetadataMessage message{.type = MetadataMessageType::data,
                                .piece = 1,
                                .total_size_bytes = 40000,
                                .data = bytes(block)};
  const std::string encoded = encode_metadata_message(message);
  EXPECT_EQ(encoded.substr(0, 45), "d8:msg_typei1e5:piecei1e10:total_sizei40000ee");
  EXPECT_EQ(decode_metadata_message(bytes(encoded)).value(), message);
}

TEST(UtMetadataNegative, UnknownMessageType) {
  expect_metadata_error("d8:msg_typei3e5:piecei0ee", ExtensionError::unknown_metadata_message_type,
                        11);
}

TEST(UtMetadataNegative, NegativeMessageType) {
  expect_metadata_error("d8:msg_typei-1e5:piecei0ee", ExtensionError::value_out_of_range, 11);
}

TEST(UtMetadataNegative, MissingPiece) {
  expect_metadata_error("d8:msg_typei0ee", ExtensionError::missing_field, 0);
}

TEST(UtMetadataNegative, MissingMessageType) {
  expect_metadata_error("d5:piecei0ee", ExtensionError::missing_field, 0);
}

TEST(UtMetadataNegative, PieceNotAnInteger) {
  expect_metadata_error("d8:msg_typei0e5:piece1:0e", ExtensionError::wrong_type, 21);
}

TEST(UtMetadataNegative, PieceBeyondAnyMetadata) {
  expect_metadata_error("d8:msg_typei0e5:piecei99999999ee",
                        ExtensionError::metadata_piece_out_of_range, 21);
}

TEST(UtMetadataNegative, RequestWithTrailingBytes) {
  expect_metadata_error("d8:msg_typei0e5:piecei0eexyz", ExtensionError::metadata_trailing_data, 25);
}

TEST(UtMetadataNegative, DataWithoutTotalSize) {
  expect_metadata_error("d8:msg_typei1e5:piecei0eexyz", ExtensionError::missing_field, 0);
}

TEST(UtMetadataNegative, DataWithZeroTotalSize) {
  expect_metadata_error("d8:msg_typei1e5:piecei0e10:total_sizei0ee",
                        ExtensionError::value_out_of_range, 37);
}

TEST(UtMetadataNegative, DataPiecePastTheEnd) {
  expect_metadata_error(
      "d8:msg_typei1e5:piecei1e10:total_sizei3ee"
      "abc",
      ExtensionError::metadata_piece_out_of_range, 41);
}

TEST(UtMetadataNegative, DataShorterThanThePiece) {
  expect_metadata_error(
      "d8:msg_typei1e5:piecei0e10:total_sizei4ee"
      "abc",
      ExtensionError::metadata_piece_wrong_size, 41);
}

TEST(UtMetadataNegative, DataLongerThanSixteenKiB) {
  const std::string payload =
      "d8:msg_typei1e5:piecei0e10:total_sizei99999ee" + std::string(16385, 'x');
  expect_metadata_error(payload, ExtensionError::metadata_piece_wrong_size, 45);
}

TEST(UtMetadataNegative, DictionaryCutShort) {
  expect_error([](auto input) { return decode_metadata_message(input); }, "d8:msg_typei1e5:pie",
               bencode::make_error_code(bencode::Error::length_exceeds_input), 14);
}

TEST(UtPex, DecodesBothFamiliesWithFlags) {
  const std::string payload = "d5:added12:"s + "\x0a\x00\x00\x01\x1a\xe1"s +
                              "\x0a\x00\x00\x02\x00\x50"s + "7:added.f2:\x12\x01"s +
                              "6:added618:"s + std::string(15, '\0') + "\x01\x00\x01"s +
                              "8:added6.f1:\x10"s + "7:dropped6:\xc0\xa8\x00\x01\x00\x01"s + "e";
  const auto message = decode_pex(bytes(payload));
  ASSERT_TRUE(message) << message.error().describe();
  ASSERT_EQ(message->added.size(), 3u);
  EXPECT_EQ(message->added[0].address.to_string(), "10.0.0.1:6881");
  EXPECT_EQ(message->added[0].flags, pex_flags::seed | pex_flags::reachable);
  EXPECT_EQ(message->added[1].address.to_string(), "10.0.0.2:80");
  EXPECT_EQ(message->added[1].flags, pex_flags::prefers_encryption);
  EXPECT_EQ(message->added[2].address.to_string(), "[::1]:1");
  EXPECT_EQ(message->added[2].flags, pex_flags::reachable);
  ASSERT_EQ(message->dropped.size(), 1u);
  EXPECT_EQ(message->dropped[0].to_string(), "192.168.0.1:1");
  EXPECT_EQ(encode_pex(*message), payload);
}

TEST(UtPex, AddedWithoutFlagsMeansNoFlags) {
  const auto message =
      decode_pex(bytes("d5:added6:\x01\x02\x03\x04\x00\x05"
                       "e"sv));
  ASSERT_TRUE(message);
  ASSERT_EQ(message->added.size(), 1u);
  EXPECT_EQ(message->added[0].flags, 0);
}

TEST(UtPex, EmptyMessageEncodesAnEmptyAddedList) {
  EXPECT_EQ(encode_pex(PexMessage{}), "d5:added0:e");
  EXPECT_EQ(decode_pex(bytes("d5:added0:e")).value(), PexMessage{});
}

TEST(UtPexNegative, NoPeerLists) {
  expect_pex_error("d1:xi1ee", ExtensionError::pex_empty, 0);
}

TEST(UtPexNegative, AddedNotAString) {
  expect_pex_error("d5:addedi1ee", ExtensionError::wrong_type, 8);
}

TEST(UtPexNegative, AddedPartialEntry) {
  expect_pex_error("d5:added5:abcdee", ExtensionError::peer_list_misaligned, 8);
}

TEST(UtPexNegative, Dropped6PartialEntry) {
  expect_pex_error("d8:dropped66:abcdefe", ExtensionError::peer_list_misaligned, 11);
}

TEST(UtPexNegative, FlagsLongerThanPeers) {
  expect_pex_error(
      "d5:added6:abcdef7:added.f2:\x01\x02"
      "e",
      ExtensionError::pex_flags_mismatch, 25);
}

TEST(UtPexNegative, TooManyPeers) {
  const std::size_t size = 6 * (pex_peer_count_max + 1);
  expect_pex_error("d5:added" + std::to_string(size) + ":" + std::string(size, 'a') + "e",
                   ExtensionError::too_many_peers, 8);
}

TEST(UtPexNegative, NotADictionary) {
  expect_pex_error("i1e", ExtensionError::not_a_dictionary, 0);
}

}  // namespace
}  // namespace swarmlab::protocol::extension
