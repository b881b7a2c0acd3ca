// The tracker on real loopback sockets: HTTP keep-alive, UDP, IPv4 and IPv6, connection limits,
// shutdown.
#include "tests/tracker/loopback_fixture.hpp"

#include <boost/asio/use_awaitable.hpp>

#include <array>
#include <set>

namespace swarmlab::tracker {
namespace {

using namespace test;
namespace asio = boost::asio;
namespace http = protocol::tracker_http;
namespace udp = protocol::tracker_udp;

http::AnnounceRequest http_announce(std::uint32_t number, std::uint16_t port) {
  http::AnnounceRequest request;
  request.info_hash = info_hash(1);
  request.peer_id = peer_id(number);
  request.port = port;
  request.left_bytes = 100;
  request.event = http::Event::started;
  request.compact = true;
  return request;
}

http::AnnounceResponse parse_announce(const std::optional<HttpReplyText>& reply) {
  EXPECT_TRUE(reply);
  if (!reply) return {};
  EXPECT_EQ(reply->status, 200u);
  const auto response = http::parse_announce_response(
      std::span(reinterpret_cast<const std::uint8_t*>(reply->body.data()), reply->body.size()));
  EXPECT_TRUE(response) << response.error().describe();
  if (!response) return {};
  EXPECT_FALSE(response->failure_reason) << *response->failure_reason;
  return *response;
}

using TrackerServerTest = LoopbackFixture;

TEST_F(TrackerServerTest, HttpKeepAliveServesManyRequestsOnOneConnection) {
  start_tracker();
  run_client([&]() -> asio::awaitable<void> {
    auto stream = co_await connect_to(client_host, http_endpoint());
    EXPECT_TRUE(stream);
    if (!stream) co_return;
    for (std::uint32_t number = 1; number <= 20; ++number) {
      const auto reply = co_await http_get(
          client_host, *stream, http::build_announce_url("/announce", http_announce(number, 7000)));
      EXPECT_TRUE(reply && reply->keep_alive);
      const http::AnnounceResponse response = parse_announce(reply);
      // All from 127.0.0.2, with distinct peer ids: the same address and port is one peer that
      // restarted each time, so nobody is ever listed back to it.
      EXPECT_TRUE(response.peers.empty());
      EXPECT_EQ(response.incomplete, 1u);
    }
    EXPECT_EQ(server->http_connection_count(), 1u);
  }());
}

TEST_F(TrackerServerTest, HttpPeersOfBothFamilies) {
  start_tracker();
  run_client([&]() -> asio::awaitable<void> {
    auto four = co_await connect_to(client_host, http_endpoint(false));
    auto six = co_await connect_to(client_host, http_endpoint(true));
    EXPECT_TRUE(four && six);
    if (!four || !six) co_return;
    parse_announce(co_await http_get(
        client_host, *six, http::build_announce_url("/announce", http_announce(1, 7001))));
    const auto response = parse_announce(co_await http_get(
        client_host, *four, http::build_announce_url("/announce", http_announce(2, 7002))));
    EXPECT_EQ(response.peers.size(), 1u);
    if (response.peers.size() == 1) {
      EXPECT_EQ(response.peers[0].address.to_string(), "[::1]:7001");
    }
  }());
}

TEST_F(TrackerServerTest, UdpOverBothFamilies) {
  start_tracker();
  run_client([&]() -> asio::awaitable<void> {
    for (const bool ipv6 : {false, true}) {
      UdpTrackerClient first(client_host, client_udp(ipv6), udp_endpoint(ipv6));
      UdpTrackerClient second(client_host, client_udp(ipv6), udp_endpoint(ipv6));
      udp::AnnounceRequest request;
      request.info_hash = info_hash(ipv6 ? 6 : 4);
      request.peer_id = peer_id(1);
      request.port = 7001;
      request.left_bytes = 1;
      const auto one = co_await first.announce(request);
      EXPECT_TRUE(one && std::holds_alternative<udp::AnnounceResponse>(*one));
      request.peer_id = peer_id(2);
      request.port = 7002;
      const auto two = co_await second.announce(request);
      EXPECT_TRUE(two && std::holds_alternative<udp::AnnounceResponse>(*two));
      if (!two || !std::holds_alternative<udp::AnnounceResponse>(*two)) co_return;
      const auto& reply = std::get<udp::AnnounceResponse>(*two);
      EXPECT_EQ(reply.leechers, 2u);
      EXPECT_EQ(reply.peers.size(), 1u);
      if (reply.peers.size() == 1) {
        EXPECT_EQ(reply.peers[0].to_string(), ipv6 ? "[::1]:7001" : "127.0.0.2:7001");
      }
    }
  }());
}

// More datagrams than one burst takes, from two sockets, all waiting before the tracker runs: every
// request gets its reply, at the socket that sent it.
TEST_F(TrackerServerTest, UdpBurstRepliesReachTheirSenders) {
  start_tracker();
  run_client([&]() -> asio::awaitable<void> {
    constexpr std::uint32_t per_socket = 50;
    static_assert(2 * per_socket > limits::udp_burst_datagram_count_max + 1);
    for (const bool ipv6 : {false, true}) {
      std::array<net::Datagram, 2> sockets{client_udp(ipv6), client_udp(ipv6)};
      // One thread runs both hosts, and nothing here suspends: all are sent before any is read.
      for (std::uint32_t number = 0; number < per_socket; ++number) {
        for (std::uint32_t which = 0; which < 2; ++which) {
          const auto packet =
              udp::encode(udp::Request{udp::ConnectRequest{.transaction_id = 2 * number + which}});
          EXPECT_TRUE(sockets[which].try_send_to(asio::buffer(packet), udp_endpoint(ipv6)));
        }
      }
      for (std::uint32_t which = 0; which < 2; ++which) {
        std::set<std::uint32_t> transactions;
        for (std::uint32_t number = 0; number < per_socket; ++number) {
          std::array<std::uint8_t, 64> packet{};
          net::Endpoint from;
          // A missing reply leaves this waiting until run_client's limit fails the test.
          const std::size_t size = co_await sockets[which].async_receive_from(
              asio::buffer(packet), from, asio::use_awaitable);
          EXPECT_EQ(from, udp_endpoint(ipv6));
          const auto response =
              udp::decode_response(std::span(packet.data(), size),
                                   ipv6 ? PeerAddress::Family::ipv6 : PeerAddress::Family::ipv4);
          EXPECT_TRUE(response && std::holds_alternative<udp::ConnectResponse>(*response));
          if (!response || !std::holds_alternative<udp::ConnectResponse>(*response)) continue;
          const std::uint32_t transaction =
              std::get<udp::ConnectResponse>(*response).transaction_id;
          EXPECT_EQ(transaction % 2, which);
          transactions.insert(transaction);
        }
        EXPECT_EQ(transactions.size(), per_socket);
      }
    }
  }());
}

TEST_F(TrackerServerTest, ConnectionsBeyondTheLimitAreClosed) {
  TrackerConfig config = test_config();
  config.http_connection_count_max = 2;
  start_tracker(config);
  run_client([&]() -> asio::awaitable<void> {
    auto first = co_await connect_to(client_host, http_endpoint());
    auto second = co_await connect_to(client_host, http_endpoint());
    auto third = co_await connect_to(client_host, http_endpoint());
    EXPECT_TRUE(first && second && third);
    if (!first || !second || !third) co_return;
    const std::string target = http::build_announce_url("/announce", http_announce(1, 7001));
    const auto first_reply = co_await http_get(client_host, *first, target);
    const auto second_reply = co_await http_get(client_host, *second, target);
    const auto third_reply = co_await http_get(client_host, *third, target);
    EXPECT_TRUE(first_reply);
    EXPECT_TRUE(second_reply);
    EXPECT_FALSE(third_reply);
    // Once one closes, there is room again.
    first->close();
    co_await client_host.sleep(100ms);
    auto fourth = co_await connect_to(client_host, http_endpoint());
    EXPECT_TRUE(fourth);
    if (!fourth) co_return;
    const auto fourth_reply = co_await http_get(client_host, *fourth, target);
    EXPECT_TRUE(fourth_reply);
  }());
}

TEST_F(TrackerServerTest, StoppingClosesConnectionsAndSockets) {
  start_tracker();
  std::optional<net::Stream> open_stream;
  run_client([&]() -> asio::awaitable<void> {
    open_stream = co_await connect_to(client_host, http_endpoint());
    EXPECT_TRUE(open_stream);
    if (open_stream) {
      const auto reply = co_await http_get(
          client_host, *open_stream, http::build_announce_url("/announce", http_announce(1, 7001)));
      EXPECT_TRUE(reply);
    }
  }());
  ASSERT_EQ(server->http_connection_count(), 1u);
  const net::Endpoint http = http_endpoint();
  tracker_host.cancel_tasks();
  ASSERT_TRUE(run_until([&] { return tracker_stopped; }));
  EXPECT_TRUE(!tracker_failure || net::is_cancellation(tracker_failure));
  EXPECT_EQ(server->http_connection_count(), 0u);
  run_client([&]() -> asio::awaitable<void> {
    // The kept-alive connection was closed by the tracker, and nobody listens any more.
    const auto reply = co_await http_get(client_host, *open_stream, "/announce");
    EXPECT_FALSE(reply);
    const auto stream = co_await connect_to(client_host, http);
    EXPECT_FALSE(stream);
  }());
  server.reset();
}

}  // namespace
}  // namespace swarmlab::tracker
