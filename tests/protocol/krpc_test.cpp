#include "protocol/krpc.hpp"
#include "protocol/bencode.hpp"

#include <gtest/gtest.h>

#include <string>

namespace swarmlab::protocol::krpc {
namespace {

using namespace std::string_literals;

std::span<const std::uint8_t> bytes(std::string_view text) {
  return std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

NodeId id_of(std::string_view text) {
  EXPECT_EQ(text.size(), 20u);
  NodeId id{};
  std::copy(text.begin(), text.end(), id.begin());
  return id;
}

// Decodes a message, checks that it re-encodes to the same bytes, and returns it.
Message round_trip(std::string_view encoded) {
  const auto message = decode(bytes(encoded));
  EXPECT_TRUE(message) << message.error().describe() << " in " << encoded;
  if (!message) return {};
  EXPECT_EQ(encode(*message), encoded);
  return *message;
}

void expect_error(std::string_view encoded, KrpcError code, std::size_t offset) {
  const auto result = decode(bytes(encoded));
  ASSERT_FALSE(result) << encoded;
  EXPECT_EQ(result.error().code, make_error_code(code)) << result.error().describe();
  EXPECT_EQ(result.error().offset, offset) << result.error().describe();
}

TEST(Krpc, PingQueryAndResponse) {
  const Message query = round_trip("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe");
  EXPECT_EQ(query.transaction_id, "aa");
  const auto& ping = std::get<Query>(query.body);
  EXPECT_EQ(ping.sender_id, id_of("abcdefghij0123456789"));
  EXPECT_TRUE(std::holds_alternative<Ping>(ping.method));
  EXPECT_EQ(method_name(ping), "ping");
  const Message response = round_trip("d1:rd2:id20:mnopqrstuvwxyz123456e1:t2:aa1:y1:re");
  EXPECT_EQ(std::get<Response>(response.body).sender_id, id_of("mnopqrstuvwxyz123456"));
}

TEST(Krpc, ErrorMessage) {
  const Message message = round_trip("d1:eli201e23:A Generic Error Ocurrede1:t2:aa1:y1:ee");
  const auto& error = std::get<Error>(message.body);
  EXPECT_EQ(error.code, error_codes::generic);
  EXPECT_EQ(error.message, "A Generic Error Ocurred");
}

TEST(Krpc, FindNodeWithWantAndIpv4AndIpv6Nodes) {
  const Message query = round_trip(
      "d1:ad2:id20:abcdefghij01234567896:target20:mnopqrstuvwxyz1234564:wantl2:n42:n6ee"
      "1:q9:find_node1:t2:aa1:y1:qe");
  const auto& find = std::get<Query>(query.body);
  EXPECT_EQ(std::get<FindNode>(find.method).target, id_of("mnopqrstuvwxyz123456"));
  EXPECT_EQ(find.want, (Want{.ipv4 = true, .ipv6 = true}));
  const std::string response_bytes =
      "d1:rd2:id20:0123456789abcdefghij5:nodes26:AAAAAAAAAAAAAAAAAAAA\x0a\x00\x00\x01\x1a\xe1"
      "6:nodes638:BBBBBBBBBBBBBBBBBBBB"s +
      std::string(15, '\0') + "\x01\x00\x50"s + "e1:t2:aa1:y1:re";
  const Message response = round_trip(response_bytes);
  const auto& nodes = std::get<Response>(response.body).nodes;
  ASSERT_EQ(nodes.size(), 2u);
  EXPECT_EQ(nodes[0].id, id_of("AAAAAAAAAAAAAAAAAAAA"));
  EXPECT_EQ(nodes[0].address.to_string(), "10.0.0.1:6881");
  EXPECT_EQ(nodes[1].id, id_of("BBBBBBBBBBBBBBBBBBBB"));
  EXPECT_EQ(nodes[1].address.to_string(), "[::1]:80");
}

TEST(Krpc, GetPeersWithValuesAndToken) {
  const Message query = round_trip(
      "d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz123456e"
      "1:q9:get_peers1:t2:aa1:y1:qe");
  EXPECT_EQ(std::get<GetPeers>(std::get<Query>(query.body).method).info_hash,
            id_of("mnopqrstuvwxyz123456"));
  EXPECT_FALSE(std::get<Query>(query.body).want);
  const Message response = round_trip(
      "d1:rd2:id20:abcdefghij01234567895:token8:aoeusnth6:valuesl6:axje.u6:idhtnmee"
      "1:t2:aa1:y1:re");
  const auto& peers = std::get<Response>(response.body);
  EXPECT_EQ(peers.token, "aoeusnth");
  ASSERT_EQ(peers.values.size(), 2u);
  EXPECT_EQ(peers.values[0].to_string(), "97.120.106.101:11893");
}

TEST(Krpc, AnnouncePeerWithImpliedPort) {
  const Message message = round_trip(
      "d1:ad2:id20:abcdefghij012345678912:implied_porti1e9:info_hash20:mnopqrstuvwxyz123456"
      "4:porti6881e5:token8:aoeusnthe1:q13:announce_peer1:t2:aa1:y1:qe");
  const auto& announce = std::get<AnnouncePeer>(std::get<Query>(message.body).method);
  EXPECT_TRUE(announce.implied_port);
  EXPECT_EQ(announce.port, 6881);
  EXPECT_EQ(announce.token, "aoeusnth");
}

TEST(Krpc, AnnouncePeerWithoutPortWhenImplied) {
  const auto message = decode(
      bytes("d1:ad2:id20:abcdefghij012345678912:implied_porti1e9:info_hash20:mnopqrstuvwxyz123456"
            "5:token1:xe1:q13:announce_peer1:t2:aa1:y1:qe"));
  ASSERT_TRUE(message) << message.error().describe();
  EXPECT_EQ(std::get<AnnouncePeer>(std::get<Query>(message->body).method).port, 0);
}

TEST(Krpc, EnvelopeFieldsReadOnlyVersionAndRequesterIp) {
  const Message message = round_trip(
      "d1:ad2:id20:abcdefghij0123456789e2:ip6:\x7f\x00\x00\x01\x1a\xe1"
      "1:q4:ping2:roi1e1:t4:\x00\x01\x02\x03"
      "1:v4:SL01"
      "1:y1:qe"s);
  EXPECT_TRUE(message.read_only);
  EXPECT_EQ(message.client_version, "SL01");
  EXPECT_EQ(message.transaction_id, "\x00\x01\x02\x03"s);
  ASSERT_TRUE(message.requester);
  EXPECT_EQ(message.requester->to_string(), "127.0.0.1:6881");
}

TEST(Krpc, UnknownMethodKeepsItsNameForA204Reply) {
  const Message message =
      round_trip("d1:ad2:id20:abcdefghij0123456789e1:q17:sample_infohashes1:t2:aa1:y1:qe");
  const auto& query = std::get<Query>(message.body);
  EXPECT_EQ(std::get<UnknownMethod>(query.method).method, "sample_infohashes");
  EXPECT_EQ(method_name(query), "sample_infohashes");
}

TEST(Krpc, EncodesMessagesBuiltInCode) {
  Message message;
  message.transaction_id = "xy";
  Response response;
  response.sender_id = id_of("abcdefghij0123456789");
  response.values = {*PeerAddress::parse("[::1]:2")};
  message.body = response;
  const std::string encoded = encode(message);
  EXPECT_EQ(encoded, "d1:rd2:id20:abcdefghij01234567896:valuesl18:"s + std::string(15, '\0') +
                         "\x01\x00\x02"s + "ee1:t2:xy1:y1:re");
  EXPECT_EQ(decode(bytes(encoded)).value(), message);
}

TEST(Krpc, CompactNodeInfo) {
  const NodeInfo node{.id = id_of("abcdefghij0123456789"),
                      .address = *PeerAddress::parse("1.2.3.4:5")};
  std::string compact;
  append_compact_node(compact, node);
  EXPECT_EQ(compact, "abcdefghij0123456789\x01\x02\x03\x04\x00\x05"s);
  EXPECT_EQ(parse_compact_node(bytes(compact)), node);
  EXPECT_FALSE(parse_compact_node(bytes(compact).first(25)));
}

const std::string ping_args = "d1:ad2:id20:abcdefghij0123456789e";

TEST(KrpcNegative, NotADictionary) {
  expect_error("le", KrpcError::not_a_dictionary, 0);
}

TEST(KrpcNegative, MalformedBencode) {
  const auto result = decode(bytes("d1:t2:aa1:y1:q"));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, bencode::make_error_code(bencode::Error::unexpected_end));
  EXPECT_EQ(result.error().offset, 14u);
}

TEST(KrpcNegative, MessageTooLarge) {
  expect_error(std::string(message_size_max + 1, 'd'), KrpcError::message_too_large,
               message_size_max);
}

TEST(KrpcNegative, MissingTransactionId) {
  expect_error("d1:y1:qe", KrpcError::missing_field, 0);
}

TEST(KrpcNegative, TransactionIdTooLong) {
  expect_error("d1:t17:aaaaaaaaaaaaaaaaa1:y1:qe", KrpcError::value_too_long, 4);
}

TEST(KrpcNegative, MissingMessageType) {
  expect_error("d1:t2:aae", KrpcError::missing_field, 0);
}

TEST(KrpcNegative, UnknownMessageType) {
  expect_error("d1:t2:aa1:y1:xe", KrpcError::bad_message_type, 11);
}

TEST(KrpcNegative, LongMessageType) {
  expect_error("d1:t2:aa1:y2:qqe", KrpcError::bad_message_type, 11);
}

TEST(KrpcNegative, QueryWithoutArguments) {
  expect_error("d1:q4:ping1:t2:aa1:y1:qe", KrpcError::missing_field, 0);
}

TEST(KrpcNegative, QueryWithoutMethod) {
  expect_error(ping_args + "1:t2:aa1:y1:qe", KrpcError::missing_field, 0);
}

TEST(KrpcNegative, ArgumentsNotADictionary) {
  expect_error("d1:ali1ee1:q4:ping1:t2:aa1:y1:qe", KrpcError::wrong_type, 4);
}

TEST(KrpcNegative, SenderIdOfThreeBytes) {
  expect_error("d1:ad2:id3:abce1:q4:ping1:t2:aa1:y1:qe", KrpcError::bad_id_size, 9);
}

TEST(KrpcNegative, SenderIdOfTwentyOneBytes) {
  expect_error("d1:ad2:id21:abcdefghij0123456789Xe1:q4:ping1:t2:aa1:y1:qe", KrpcError::bad_id_size,
               9);
}

TEST(KrpcNegative, FindNodeWithoutTarget) {
  expect_error(ping_args + "1:q9:find_node1:t2:aa1:y1:qe", KrpcError::missing_field, 4);
}

TEST(KrpcNegative, GetPeersInfoHashOfNineteenBytes) {
  expect_error(
      "d1:ad2:id20:abcdefghij01234567899:info_hash19:mnopqrstuvwxyz12345e"
      "1:q9:get_peers1:t2:aa1:y1:qe",
      KrpcError::bad_id_size, 43);
}

TEST(KrpcNegative, WantNotAList) {
  expect_error(
      "d1:ad2:id20:abcdefghij01234567896:target20:mnopqrstuvwxyz1234564:want2:n4e"
      "1:q9:find_node1:t2:aa1:y1:qe",
      KrpcError::wrong_type, 69);
}

TEST(KrpcNegative, WantItemNotAString) {
  expect_error(
      "d1:ad2:id20:abcdefghij01234567896:target20:mnopqrstuvwxyz1234564:wantli4eee"
      "1:q9:find_node1:t2:aa1:y1:qe",
      KrpcError::wrong_type, 70);
}

TEST(KrpcNegative, AnnouncePeerWithoutToken) {
  expect_error(
      "d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz1234564:porti1ee"
      "1:q13:announce_peer1:t2:aa1:y1:qe",
      KrpcError::missing_field, 4);
}

TEST(KrpcNegative, AnnouncePeerWithoutPort) {
  expect_error(
      "d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz1234565:token1:xe"
      "1:q13:announce_peer1:t2:aa1:y1:qe",
      KrpcError::missing_field, 4);
}

TEST(KrpcNegative, AnnouncePeerPortAbove65535) {
  expect_error(
      "d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz1234564:porti65536e"
      "5:token1:xe1:q13:announce_peer1:t2:aa1:y1:qe",
      KrpcError::value_out_of_range, 72);
}

TEST(KrpcNegative, ImpliedPortNotAFlag) {
  expect_error(
      "d1:ad2:id20:abcdefghij012345678912:implied_porti2e9:info_hash20:"
      "mnopqrstuvwxyz1234564:porti1e5:token1:xe1:q13:announce_peer1:t2:aa1:y1:qe",
      KrpcError::value_out_of_range, 47);
}

TEST(KrpcNegative, TokenTooLong) {
  expect_error(
      "d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz1234564:porti1e"
      "5:token65:" +
          std::string(65, 't') + "e1:q13:announce_peer1:t2:aa1:y1:qe",
      KrpcError::value_too_long, 82);
}

TEST(KrpcNegative, ResponseWithoutBody) {
  expect_error("d1:t2:aa1:y1:re", KrpcError::missing_field, 0);
}

TEST(KrpcNegative, ResponseWithoutSenderId) {
  expect_error("d1:rde1:t2:aa1:y1:re", KrpcError::missing_field, 4);
}

TEST(KrpcNegative, NodesNotAMultipleOf26) {
  expect_error(
      "d1:rd2:id20:abcdefghij01234567895:nodes25:" + std::string(25, 'n') + "e1:t2:aa1:y1:re",
      KrpcError::node_list_misaligned, 39);
}

TEST(KrpcNegative, Nodes6NotAMultipleOf38) {
  expect_error(
      "d1:rd2:id20:abcdefghij01234567896:nodes626:" + std::string(26, 'n') + "e1:t2:aa1:y1:re",
      KrpcError::node_list_misaligned, 40);
}

TEST(KrpcNegative, TooManyNodes) {
  const std::size_t size = 26 * (node_count_max + 1);
  expect_error("d1:rd2:id20:abcdefghij01234567895:nodes" + std::to_string(size) + ":" +
                   std::string(size, 'n') + "e1:t2:aa1:y1:re",
               KrpcError::too_many_nodes, 39);
}

TEST(KrpcNegative, ValueOfFiveBytes) {
  expect_error("d1:rd2:id20:abcdefghij01234567896:valuesl5:abcdeee1:t2:aa1:y1:re",
               KrpcError::bad_value_size, 41);
}

TEST(KrpcNegative, ValueNotAString) {
  expect_error("d1:rd2:id20:abcdefghij01234567896:valuesli1eee1:t2:aa1:y1:re",
               KrpcError::wrong_type, 41);
}

TEST(KrpcNegative, TooManyValues) {
  std::string values;
  for (std::size_t index = 0; index <= value_count_max; ++index)
    values += "6:abcdef";
  expect_error("d1:rd2:id20:abcdefghij01234567896:valuesl" + values + "ee1:t2:aa1:y1:re",
               KrpcError::too_many_values, 41 + 8 * value_count_max);
}

TEST(KrpcNegative, ErrorNotAList) {
  expect_error("d1:ei201e1:t2:aa1:y1:ee", KrpcError::wrong_type, 4);
}

TEST(KrpcNegative, ErrorWithoutMessage) {
  expect_error("d1:eli201ee1:t2:aa1:y1:ee", KrpcError::bad_error_list, 4);
}

TEST(KrpcNegative, ErrorCodeNotAnInteger) {
  expect_error("d1:el3:2011:xe1:t2:aa1:y1:ee", KrpcError::bad_error_list, 4);
}

TEST(KrpcNegative, ErrorWithThreeItems) {
  expect_error("d1:eli201e1:x1:ye1:t2:aa1:y1:ee", KrpcError::bad_error_list, 4);
}

TEST(KrpcNegative, RequesterIpOfFiveBytes) {
  expect_error("d2:ip5:abcde1:rd2:id20:abcdefghij0123456789e1:t2:aa1:y1:re",
               KrpcError::bad_address_size, 5);
}

TEST(KrpcNegative, ReadOnlyFlagNotZeroOrOne) {
  expect_error(ping_args + "1:q4:ping2:roi2e1:t2:aa1:y1:qe", KrpcError::value_out_of_range, 46);
}

TEST(KrpcNegative, ClientVersionTooLong) {
  expect_error("d1:t2:aa1:v65:" + std::string(65, 'v') + "1:y1:qe", KrpcError::value_too_long, 11);
}

}  // namespace
}  // namespace swarmlab::protocol::krpc
