#include "protocol/tracker_udp.hpp"

#include <gtest/gtest.h>

namespace swarmlab::protocol::tracker_udp {
namespace {

using Bytes = std::vector<std::uint8_t>;

template <class T>
T decoded_request(const Bytes& packet) {
  const auto request = decode_request(packet);
  EXPECT_TRUE(request) << request.error().describe();
  return std::get<T>(request.value());
}

template <class T>
T decoded_response(const Bytes& packet, PeerAddress::Family family = PeerAddress::Family::ipv4) {
  const auto response = decode_response(packet, family);
  EXPECT_TRUE(response) << response.error().describe();
  return std::get<T>(response.value());
}

AnnounceRequest sample_announce() {
  AnnounceRequest request;
  request.connection_id = 0x0102030405060708;
  request.transaction_id = 0xcafebabe;
  request.info_hash.fill(0x11);
  request.peer_id.fill(0x22);
  request.downloaded_bytes = 1000;
  request.left_bytes = 0x1'0000'0000;
  request.uploaded_bytes = 7;
  request.event = Event::started;
  request.ipv4_address = {10, 0, 0, 1};
  request.key = 0xdeadbeef;
  request.num_want = -1;
  request.port = 6881;
  return request;
}

void expect_request_error(const Bytes& packet, TrackerUdpError code, std::size_t offset) {
  const auto result = decode_request(packet);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, make_error_code(code)) << result.error().describe();
  EXPECT_EQ(result.error().offset, offset);
}

void expect_response_error(const Bytes& packet, TrackerUdpError code, std::size_t offset,
                           PeerAddress::Family family = PeerAddress::Family::ipv4) {
  const auto result = decode_response(packet, family);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, make_error_code(code)) << result.error().describe();
  EXPECT_EQ(result.error().offset, offset);
}

TEST(TrackerUdp, ConnectRequestBytes) {
  const Bytes packet = encode(Request(ConnectRequest{.transaction_id = 0x01020304}));
  EXPECT_EQ(packet,
            (Bytes{0x00, 0x00, 0x04, 0x17, 0x27, 0x10, 0x19, 0x80, 0, 0, 0, 0, 1, 2, 3, 4}));
  EXPECT_EQ(decoded_request<ConnectRequest>(packet).transaction_id, 0x01020304u);
}

TEST(TrackerUdp, ConnectResponseBytes) {
  const ConnectResponse response{.transaction_id = 5, .connection_id = 0x1122334455667788};
  const Bytes packet = encode(Response(response));
  EXPECT_EQ(packet,
            (Bytes{0, 0, 0, 0, 0, 0, 0, 5, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88}));
  EXPECT_EQ(decoded_response<ConnectResponse>(packet), response);
}

TEST(TrackerUdp, AnnounceRequestLayoutAndRoundTrip) {
  const Bytes packet = encode(Request(sample_announce()));
  ASSERT_EQ(packet.size(), 98u);
  EXPECT_EQ(packet[11], 1);  // action
  EXPECT_EQ((Bytes(packet.begin() + 12, packet.begin() + 16)), (Bytes{0xca, 0xfe, 0xba, 0xbe}));
  EXPECT_EQ(packet[16], 0x11);  // info_hash
  EXPECT_EQ(packet[36], 0x22);  // peer_id
  EXPECT_EQ((Bytes(packet.begin() + 64, packet.begin() + 72)), (Bytes{0, 0, 0, 1, 0, 0, 0, 0}));
  EXPECT_EQ(packet[83], 2);  // event: started
  EXPECT_EQ((Bytes(packet.begin() + 84, packet.begin() + 88)), (Bytes{10, 0, 0, 1}));
  EXPECT_EQ((Bytes(packet.begin() + 92, packet.begin() + 96)), (Bytes{0xff, 0xff, 0xff, 0xff}));
  EXPECT_EQ((Bytes(packet.begin() + 96, packet.end())), (Bytes{0x1a, 0xe1}));
  EXPECT_EQ(decoded_request<AnnounceRequest>(packet), sample_announce());
}

TEST(TrackerUdp, AnnounceRequestKeepsBep41Options) {
  AnnounceRequest request = sample_announce();
  request.options = {2, 5, '/', 'a', 'n', 'n', 'o', 0};
  const Bytes packet = encode(Request(request));
  EXPECT_EQ(packet.size(), 106u);
  EXPECT_EQ(decoded_request<AnnounceRequest>(packet), request);
}

TEST(TrackerUdp, AnnounceResponseIpv4) {
  const Bytes packet{0, 0, 0, 1, 0,   0,   0, 9, 0,    0,    0x07, 0x08, 0, 0, 0, 3,
                     0, 0, 0, 4, 192, 168, 1, 2, 0x1a, 0xe1, 10,   0,    0, 1, 0, 80};
  const auto response = decoded_response<AnnounceResponse>(packet);
  EXPECT_EQ(response.transaction_id, 9u);
  EXPECT_EQ(response.interval_seconds, 1800u);
  EXPECT_EQ(response.leechers, 3u);
  EXPECT_EQ(response.seeders, 4u);
  ASSERT_EQ(response.peers.size(), 2u);
  EXPECT_EQ(response.peers[0].to_string(), "192.168.1.2:6881");
  EXPECT_EQ(response.peers[1].to_string(), "10.0.0.1:80");
  EXPECT_EQ(encode(Response(response)), packet);
}

TEST(TrackerUdp, AnnounceResponseIpv6) {
  AnnounceResponse response{
      .transaction_id = 1, .interval_seconds = 60, .leechers = 0, .seeders = 1, .peers = {}};
  response.peers = {*PeerAddress::parse("[2001:db8::7]:51413"), *PeerAddress::parse("[::1]:1")};
  const Bytes packet = encode(Response(response));
  EXPECT_EQ(packet.size(), 20u + 2 * 18);
  EXPECT_EQ(decoded_response<AnnounceResponse>(packet, PeerAddress::Family::ipv6), response);
}

TEST(TrackerUdp, AnnounceResponseWithoutPeers) {
  const AnnounceResponse response{
      .transaction_id = 1, .interval_seconds = 2, .leechers = 3, .seeders = 4, .peers = {}};
  EXPECT_EQ(decoded_response<AnnounceResponse>(encode(Response(response))), response);
}

TEST(TrackerUdp, ScrapeRoundTrips) {
  ScrapeRequest request{.connection_id = 77, .transaction_id = 8, .info_hashes = {}};
  for (std::uint8_t index = 0; index < scrape_info_hash_count_max; ++index) {
    InfoHash hash{};
    hash.fill(index);
    request.info_hashes.push_back(hash);
  }
  const Bytes request_packet = encode(Request(request));
  EXPECT_EQ(request_packet.size(), 16u + 20 * 74);
  EXPECT_EQ(decoded_request<ScrapeRequest>(request_packet), request);
  const ScrapeResponse response{.transaction_id = 8,
                                .entries = {{.seeders = 1, .completed = 2, .leechers = 3},
                                            {.seeders = 4, .completed = 5, .leechers = 6}}};
  const Bytes response_packet = encode(Response(response));
  EXPECT_EQ(response_packet, (Bytes{0, 0, 0, 2, 0, 0, 0, 8, 0, 0, 0, 1, 0, 0, 0, 2,
                                    0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5, 0, 0, 0, 6}));
  EXPECT_EQ(decoded_response<ScrapeResponse>(response_packet), response);
}

TEST(TrackerUdp, ErrorRoundTrips) {
  const ErrorResponse error{.transaction_id = 3, .message = "unregistered torrent"};
  const Bytes packet = encode(Response(error));
  EXPECT_EQ(packet.size(), 8u + 20);
  EXPECT_EQ(packet[3], 3);
  EXPECT_EQ(decoded_response<ErrorResponse>(packet), error);
}

TEST(TrackerUdpNegative, RequestShorterThanConnect) {
  expect_request_error(Bytes(15), TrackerUdpError::packet_too_short, 15);
}

TEST(TrackerUdpNegative, ConnectWithoutProtocolId) {
  expect_request_error(Bytes(16), TrackerUdpError::bad_protocol_id, 0);
}

TEST(TrackerUdpNegative, ConnectRequestWithTrailingBytes) {
  Bytes packet = encode(Request(ConnectRequest{.transaction_id = 1}));
  packet.push_back(0);
  expect_request_error(packet, TrackerUdpError::packet_too_long, 16);
}

TEST(TrackerUdpNegative, RequestWithUnknownAction) {
  Bytes packet = encode(Request(ConnectRequest{.transaction_id = 1}));
  packet[11] = 3;  // error is a response-only action
  expect_request_error(packet, TrackerUdpError::unknown_action, 8);
}

TEST(TrackerUdpNegative, AnnounceRequestTruncated) {
  Bytes packet = encode(Request(sample_announce()));
  packet.pop_back();
  expect_request_error(packet, TrackerUdpError::packet_too_short, 97);
}

TEST(TrackerUdpNegative, AnnounceRequestUnknownEvent) {
  Bytes packet = encode(Request(sample_announce()));
  packet[83] = 4;
  expect_request_error(packet, TrackerUdpError::bad_event, 80);
}

TEST(TrackerUdpNegative, ScrapeRequestWithoutHashes) {
  Bytes packet = encode(
      Request(ScrapeRequest{.connection_id = 1, .transaction_id = 2, .info_hashes = {InfoHash{}}}));
  packet.resize(16);
  expect_request_error(packet, TrackerUdpError::scrape_hash_count, 16);
}

TEST(TrackerUdpNegative, ScrapeRequestWithTooManyHashes) {
  Bytes packet = encode(
      Request(ScrapeRequest{.connection_id = 1, .transaction_id = 2, .info_hashes = {InfoHash{}}}));
  packet.resize(16 + 20 * (scrape_info_hash_count_max + 1));
  expect_request_error(packet, TrackerUdpError::scrape_hash_count, 16);
}

TEST(TrackerUdpNegative, ScrapeRequestPartialHash) {
  Bytes packet = encode(
      Request(ScrapeRequest{.connection_id = 1, .transaction_id = 2, .info_hashes = {InfoHash{}}}));
  packet.resize(packet.size() + 7);
  expect_request_error(packet, TrackerUdpError::scrape_list_misaligned, 36);
}

TEST(TrackerUdpNegative, RequestLargerThanAnyDatagram) {
  expect_request_error(Bytes(packet_size_max + 1), TrackerUdpError::packet_too_long,
                       packet_size_max);
}

TEST(TrackerUdpNegative, ResponseShorterThanHeader) {
  expect_response_error(Bytes{0, 0, 0, 3, 0, 0, 0}, TrackerUdpError::packet_too_short, 7);
}

TEST(TrackerUdpNegative, ConnectResponseTruncated) {
  expect_response_error(Bytes(12), TrackerUdpError::packet_too_short, 12);
}

TEST(TrackerUdpNegative, ConnectResponseWithTrailingBytes) {
  expect_response_error(Bytes(17), TrackerUdpError::packet_too_long, 16);
}

TEST(TrackerUdpNegative, AnnounceResponseTruncatedHeader) {
  expect_response_error(Bytes{0, 0, 0, 1, 0, 0, 0, 0, 0, 0}, TrackerUdpError::packet_too_short, 10);
}

TEST(TrackerUdpNegative, AnnounceResponsePartialIpv4Peer) {
  Bytes packet(20 + 6 + 5);
  packet[3] = 1;
  expect_response_error(packet, TrackerUdpError::peer_list_misaligned, 26);
}

TEST(TrackerUdpNegative, AnnounceResponseIpv4PeersOverIpv6) {
  Bytes packet(20 + 6);
  packet[3] = 1;
  expect_response_error(packet, TrackerUdpError::peer_list_misaligned, 20,
                        PeerAddress::Family::ipv6);
}

TEST(TrackerUdpNegative, ScrapeResponsePartialEntry) {
  Bytes packet(8 + 12 + 4);
  packet[3] = 2;
  expect_response_error(packet, TrackerUdpError::scrape_list_misaligned, 20);
}

TEST(TrackerUdpNegative, ResponseWithUnknownAction) {
  Bytes packet(16);
  packet[3] = 9;
  expect_response_error(packet, TrackerUdpError::unknown_action, 0);
}

}  // namespace
}  // namespace swarmlab::protocol::tracker_udp
