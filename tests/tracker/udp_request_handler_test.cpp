// UDP request handling without sockets: datagrams in, datagrams (or silence) out.
#include "actors/tracker/udp_request_handler.hpp"
#include "protocol/tracker_udp.hpp"
#include "tests/tracker/tracker_test_support.hpp"

#include <gtest/gtest.h>

#include <set>
#include <vector>

namespace swarmlab::tracker {
namespace {

using namespace test;
namespace udp = protocol::tracker_udp;
using Bytes = std::vector<std::uint8_t>;

class UdpHandlerTest : public ::testing::Test {
 protected:
  explicit UdpHandlerTest(TrackerConfig tracker_config = test_config())
      : config(std::move(tracker_config)), core(config, rng, nullptr), handler(core, rng) {}

  Bytes send(const Bytes& packet, const PeerAddress& from, net::TimePoint now = at(1s)) {
    Bytes reply;
    handler.handle(packet, from, now, reply);
    return reply;
  }

  udp::Response exchange(const udp::Request& request, const PeerAddress& from,
                         net::TimePoint now = at(1s)) {
    const Bytes reply = send(udp::encode(request), from, now);
    const auto response = udp::decode_response(reply, from.family);
    EXPECT_TRUE(response) << response.error().describe();
    return response ? *response : udp::Response(udp::ErrorResponse{});
  }

  std::uint64_t connect(const PeerAddress& from, net::TimePoint now = at(1s)) {
    const auto response = exchange(udp::ConnectRequest{.transaction_id = 17}, from, now);
    const auto* connected = std::get_if<udp::ConnectResponse>(&response);
    EXPECT_NE(connected, nullptr);
    if (connected == nullptr) return 0;
    EXPECT_EQ(connected->transaction_id, 17u);
    return connected->connection_id;
  }

  udp::AnnounceRequest announce_request(std::uint32_t number, std::uint64_t connection_id,
                                        std::uint32_t torrent = 1) {
    udp::AnnounceRequest request;
    request.connection_id = connection_id;
    request.transaction_id = 1000 + number;
    request.info_hash = info_hash(torrent);
    request.peer_id = peer_id(number);
    request.left_bytes = 1000;
    request.event = udp::Event::started;
    request.key = number;
    request.port = static_cast<std::uint16_t>(6000 + number);
    return request;
  }

  // Connects and announces from `from`; returns the announce reply.
  udp::Response announce(std::uint32_t number, const PeerAddress& from, std::int32_t num_want = -1,
                         net::TimePoint now = at(1s)) {
    udp::AnnounceRequest request = announce_request(number, connect(from, now));
    request.num_want = num_want;
    return exchange(request, from, now);
  }

  TrackerConfig config;
  net::Rng rng{1};
  TrackerCore core;
  UdpRequestHandler handler;
};

TEST_F(UdpHandlerTest, StoppedWithPortZeroRemovesThePeerWithoutListingAnyone) {
  announce(1, ipv4_peer(1, 40000));
  const PeerAddress from = ipv4_peer(2, 40000);
  announce(2, from);
  udp::AnnounceRequest request = announce_request(2, connect(from));
  request.event = udp::Event::stopped;
  request.port = 0;
  const udp::Response response = exchange(request, from);
  const auto* reply = std::get_if<udp::AnnounceResponse>(&response);
  ASSERT_NE(reply, nullptr);
  EXPECT_TRUE(reply->peers.empty());
  EXPECT_EQ(reply->leechers, 1u);
}

TEST_F(UdpHandlerTest, ErrorReplyToAShortMalformedPacketIsNoLargerThanIt) {
  const PeerAddress from = ipv4_peer(1, 40000);
  const std::uint64_t id = connect(from);
  // A valid connection id, action "announce", and far too short to be one.
  Bytes packet(20, 0);
  for (int byte = 0; byte < 8; ++byte)
    packet[byte] = static_cast<std::uint8_t>(id >> (56 - 8 * byte));
  packet[11] = 1;
  packet[15] = 9;
  const Bytes reply = send(packet, from);
  ASSERT_FALSE(reply.empty());
  EXPECT_LE(reply.size(), packet.size());
  const auto response = udp::decode_response(reply, from.family);
  ASSERT_TRUE(response);
  const auto* error = std::get_if<udp::ErrorResponse>(&*response);
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->transaction_id, 9u);
}

TEST_F(UdpHandlerTest, ConnectThenAnnounceListsOthers) {
  for (std::uint32_t number = 1; number <= 4; ++number)
    announce(number, ipv4_peer(number, 40000));
  const udp::Response response = announce(5, ipv4_peer(5, 40000));
  const auto& reply = std::get<udp::AnnounceResponse>(response);
  EXPECT_EQ(reply.transaction_id, 1005u);
  EXPECT_EQ(reply.interval_seconds, 60u);
  EXPECT_EQ(reply.leechers, 5u);
  EXPECT_EQ(reply.seeders, 0u);
  ASSERT_EQ(reply.peers.size(), 4u);
  for (const PeerAddress& peer : reply.peers) {
    EXPECT_NE(peer, ipv4_peer(5, 6005));
    EXPECT_EQ(peer.address[0], 10);
  }
}

TEST_F(UdpHandlerTest, IpvSixDatagramsGetIpvSixPeersOnly) {
  announce(1, ipv4_peer(1, 40000));
  announce(2, ipv6_peer(2, 40000));
  const udp::Response response = announce(3, ipv6_peer(3, 40000));
  const auto& reply = std::get<udp::AnnounceResponse>(response);
  ASSERT_EQ(reply.peers.size(), 1u);
  EXPECT_EQ(reply.peers[0], ipv6_peer(2, 6002));
  EXPECT_EQ(reply.leechers, 3u);  // counts cover both families
}

TEST_F(UdpHandlerTest, NumwantIsCapped) {
  for (std::uint32_t number = 1; number <= 260; ++number)
    announce(number, ipv4_peer(number, 40000));
  EXPECT_EQ(std::get<udp::AnnounceResponse>(announce(300, ipv4_peer(300, 40000))).peers.size(),
            50u);
  EXPECT_EQ(std::get<udp::AnnounceResponse>(announce(300, ipv4_peer(300, 40000), 10)).peers.size(),
            10u);
  EXPECT_EQ(
      std::get<udp::AnnounceResponse>(announce(300, ipv4_peer(300, 40000), 100000)).peers.size(),
      config.numwant_max);
}

TEST_F(UdpHandlerTest, StoppedAndExpiredPeersDisappear) {
  announce(1, ipv4_peer(1, 40000), -1, at(0s));
  announce(2, ipv4_peer(2, 40000), -1, at(50s));
  announce(3, ipv4_peer(3, 40000), -1, at(50s));
  udp::AnnounceRequest stop = announce_request(3, connect(ipv4_peer(3, 40000), at(60s)));
  stop.event = udp::Event::stopped;
  EXPECT_TRUE(
      std::get<udp::AnnounceResponse>(exchange(stop, ipv4_peer(3, 40000), at(60s))).peers.empty());
  // At 100 s peer 1 has expired (90 s timeout) and peer 3 has stopped.
  const udp::Response response = announce(4, ipv4_peer(4, 40000), -1, at(100s));
  const auto& reply = std::get<udp::AnnounceResponse>(response);
  ASSERT_EQ(reply.peers.size(), 1u);
  EXPECT_EQ(reply.peers[0], ipv4_peer(2, 6002));
}

TEST_F(UdpHandlerTest, ScrapeCountsInRequestOrder) {
  announce(1, ipv4_peer(1, 40000));
  udp::AnnounceRequest done = announce_request(2, connect(ipv4_peer(2, 40000)));
  done.event = udp::Event::completed;
  done.left_bytes = 0;
  exchange(done, ipv4_peer(2, 40000));
  udp::ScrapeRequest scrape{.connection_id = connect(ipv4_peer(9, 40000)),
                            .transaction_id = 55,
                            .info_hashes = {info_hash(7), info_hash(1)}};
  const auto reply = std::get<udp::ScrapeResponse>(exchange(scrape, ipv4_peer(9, 40000)));
  EXPECT_EQ(reply.transaction_id, 55u);
  ASSERT_EQ(reply.entries.size(), 2u);
  EXPECT_EQ(reply.entries[0], (udp::ScrapeEntry{}));
  EXPECT_EQ(reply.entries[1], (udp::ScrapeEntry{.seeders = 1, .completed = 1, .leechers = 1}));
}

TEST_F(UdpHandlerTest, ScrapeOfTheMostTorrents) {
  udp::ScrapeRequest scrape{
      .connection_id = connect(ipv4_peer(9, 40000)), .transaction_id = 1, .info_hashes = {}};
  for (std::uint32_t torrent = 0; torrent < udp::scrape_info_hash_count_max; ++torrent) {
    scrape.info_hashes.push_back(info_hash(torrent));
  }
  const auto reply = std::get<udp::ScrapeResponse>(exchange(scrape, ipv4_peer(9, 40000)));
  EXPECT_EQ(reply.entries.size(), udp::scrape_info_hash_count_max);
  // One more does not parse; the sender holds a valid id, so it hears why.
  Bytes packet = udp::encode(scrape);
  packet.insert(packet.end(), 20, 0xab);
  const auto error =
      udp::decode_response(send(packet, ipv4_peer(9, 40000)), PeerAddress::Family::ipv4);
  ASSERT_TRUE(error);
  EXPECT_TRUE(std::holds_alternative<udp::ErrorResponse>(*error));
}

TEST_F(UdpHandlerTest, ForgedExpiredOrBorrowedConnectionIdsGetAnErrorNoLargerThanTheRequest) {
  const std::uint64_t id = connect(ipv4_peer(1, 40000), at(0s));
  const auto check_refused = [&](std::uint64_t connection_id, const PeerAddress& from,
                                 net::TimePoint now) {
    const Bytes request = udp::encode(announce_request(1, connection_id));
    const Bytes reply = send(request, from, now);
    EXPECT_LE(reply.size(), request.size());
    const auto response = udp::decode_response(reply, from.family);
    ASSERT_TRUE(response);
    const auto* error = std::get_if<udp::ErrorResponse>(&*response);
    ASSERT_NE(error, nullptr);
    EXPECT_EQ(error->transaction_id, 1001u);
    EXPECT_EQ(error->message, "invalid connection id");
  };
  check_refused(id ^ 1, ipv4_peer(1, 40000), at(1s));         // forged
  check_refused(id, ipv4_peer(2, 40000), at(1s));             // from another address
  check_refused(id, ipv4_peer(1, 40000), at(121s));           // expired
  check_refused(0x41727101980, ipv4_peer(1, 40000), at(1s));  // the connect magic
  EXPECT_EQ(core.registry().swarm_count(), 0u);
  // The genuine id still works, from any of the client's sockets.
  EXPECT_TRUE(std::holds_alternative<udp::AnnounceResponse>(
      exchange(announce_request(1, id), ipv4_peer(1, 40001), at(119s))));
  EXPECT_TRUE(std::holds_alternative<udp::AnnounceResponse>(
      exchange(announce_request(1, id), ipv4_peer(1, 40000), at(119s))));
}

TEST_F(UdpHandlerTest, JunkIsDropped) {
  const PeerAddress from = ipv4_peer(1, 40000);
  EXPECT_TRUE(send({}, from).empty());
  EXPECT_TRUE(send(Bytes(15, 0), from).empty());                                // short
  EXPECT_TRUE(send(Bytes(limits::udp_request_size_max + 1, 0), from).empty());  // oversized
  Bytes bad_magic = udp::encode(udp::ConnectRequest{.transaction_id = 1});
  bad_magic[0] ^= 0xff;
  EXPECT_TRUE(send(bad_magic, from).empty());
  Bytes unknown_action(16, 0);
  unknown_action[11] = 9;
  EXPECT_TRUE(send(unknown_action, from).empty());
  // A short announce without a valid id: silence. With one: an error.
  Bytes short_announce = udp::encode(announce_request(1, 12345));
  short_announce.resize(60);
  EXPECT_TRUE(send(short_announce, from).empty());
  Bytes valid_but_short = udp::encode(announce_request(1, connect(from)));
  valid_but_short.resize(60);
  const auto error = udp::decode_response(send(valid_but_short, from), PeerAddress::Family::ipv4);
  ASSERT_TRUE(error);
  EXPECT_TRUE(std::holds_alternative<udp::ErrorResponse>(*error));
  // And the tracker still serves.
  EXPECT_TRUE(std::holds_alternative<udp::AnnounceResponse>(announce(1, from)));
}

TEST_F(UdpHandlerTest, InvalidPortIsRefused) {
  udp::AnnounceRequest request = announce_request(1, connect(ipv4_peer(1, 40000)));
  request.port = 0;
  const udp::Response response = exchange(request, ipv4_peer(1, 40000));
  ASSERT_TRUE(std::holds_alternative<udp::ErrorResponse>(response));
  EXPECT_EQ(std::get<udp::ErrorResponse>(response).message, failure::invalid_port);
}

TrackerConfig private_config() {
  TrackerConfig config = test_config();
  config.whitelist = std::vector<InfoHash>{info_hash(1)};
  config.rate_limit = RateLimit{.requests_per_second = 1, .burst = 10};
  return config;
}

class PrivateUdpHandlerTest : public UdpHandlerTest {
 protected:
  PrivateUdpHandlerTest() : UdpHandlerTest(private_config()) {}
};

TEST_F(PrivateUdpHandlerTest, RefusesUnlistedTorrentsAndRateLimits) {
  const PeerAddress from = ipv4_peer(1, 40000);
  const std::uint64_t id = connect(from);
  const auto refused = exchange(announce_request(1, id, 2), from);
  ASSERT_TRUE(std::holds_alternative<udp::ErrorResponse>(refused));
  EXPECT_EQ(std::get<udp::ErrorResponse>(refused).message, failure::not_registered);
  EXPECT_TRUE(
      std::holds_alternative<udp::AnnounceResponse>(exchange(announce_request(1, id, 1), from)));
  // Three requests so far; seven more fit the burst, then the address is dropped silently.
  for (int request = 0; request < 7; ++request)
    EXPECT_FALSE(send(udp::encode(udp::ConnectRequest{}), from).empty());
  EXPECT_TRUE(send(udp::encode(udp::ConnectRequest{}), from).empty());
  EXPECT_FALSE(send(udp::encode(udp::ConnectRequest{}), ipv4_peer(2, 40000)).empty());
}

}  // namespace
}  // namespace swarmlab::tracker
