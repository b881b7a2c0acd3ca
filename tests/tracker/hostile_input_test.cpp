// Hostile input on real loopback sockets: each bad request gets a clean error or is dropped, and
// the tracker goes on serving valid requests afterwards.
#include "tests/tracker/loopback_fixture.hpp"

#include <boost/asio/use_awaitable.hpp>

namespace swarmlab::tracker {
namespace {

using namespace test;
namespace asio = boost::asio;
namespace http = protocol::tracker_http;
namespace udp = protocol::tracker_udp;
using Bytes = std::vector<std::uint8_t>;

std::string valid_target(std::uint32_t number) {
  http::AnnounceRequest request;
  request.info_hash = info_hash(1);
  request.peer_id = peer_id(number);
  request.port = static_cast<std::uint16_t>(7000 + number);
  request.left_bytes = 1;
  request.compact = true;
  return http::build_announce_url("/announce", request);
}

std::string failure_reason(const HttpReplyText& reply) {
  const auto response = http::parse_announce_response(
      std::span(reinterpret_cast<const std::uint8_t*>(reply.body.data()), reply.body.size()));
  return response && response->failure_reason ? *response->failure_reason : "";
}

std::string raw_get(const std::string& target) {
  return "GET " + target + " HTTP/1.1\r\nHost: tracker\r\n\r\n";
}

class HostileInputTest : public LoopbackFixture {
 protected:
  // Sends `bytes` on a fresh connection; returns the reply, if any came.
  asio::awaitable<std::optional<HttpReplyText>> send_raw(std::string bytes) {
    auto stream = co_await connect_to(client_host, http_endpoint());
    EXPECT_TRUE(stream);
    if (!stream) co_return std::nullopt;
    co_return co_await http_raw_exchange(client_host, *stream, std::move(bytes));
  }

  // A valid announce on a fresh connection succeeds.
  asio::awaitable<void> expect_still_serving(std::uint32_t number) {
    const auto reply = co_await send_raw(raw_get(valid_target(number)));
    EXPECT_TRUE(reply);
    if (!reply) co_return;
    EXPECT_EQ(reply->status, 200u);
    EXPECT_EQ(failure_reason(*reply), "");
  }
};

TEST_F(HostileInputTest, MalformedHttpGets400AndClose) {
  start_tracker();
  run_client([&]() -> asio::awaitable<void> {
    for (const std::string& garbage : std::vector<std::string>{
             std::string("HELLO THERE\r\n\r\n"), std::string("GET / HTTX/1.1\r\n\r\n"),
             std::string("GET /announce HTTP/1.1\r\nBad Header Line\r\n\r\n"),
             std::string("\x16\x03\x01\x02\x00\x01", 6) + "\r\n\r\n",
             std::string("GET /announce HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello")}) {
      const auto reply = co_await send_raw(garbage);
      EXPECT_TRUE(reply) << garbage;
      if (!reply) continue;
      EXPECT_EQ(reply->status, 400u) << garbage;
      EXPECT_FALSE(reply->keep_alive);
      EXPECT_NE(failure_reason(*reply), "");
    }
    co_await expect_still_serving(1);
  }());
}

TEST_F(HostileInputTest, HugeUrlAndHeadersGet431AndClose) {
  start_tracker();
  run_client([&]() -> asio::awaitable<void> {
    const std::string huge_target = valid_target(2) + "&pad=" + std::string(200'000, 'a');
    auto reply = co_await send_raw(raw_get(huge_target));
    EXPECT_TRUE(reply && reply->status == 431u && !reply->keep_alive);
    std::string many_headers = "GET /announce HTTP/1.1\r\n";
    for (int header = 0; header < 5000; ++header)
      many_headers += "X-Filler-" + std::to_string(header) + ": yes\r\n";
    reply = co_await send_raw(many_headers + "\r\n");
    EXPECT_TRUE(reply && reply->status == 431u);
    co_await expect_still_serving(3);
  }());
}

TEST_F(HostileInputTest, BadQueriesGetAFailureReasonOnAKeptConnection) {
  start_tracker();
  run_client([&]() -> asio::awaitable<void> {
    auto stream = co_await connect_to(client_host, http_endpoint());
    EXPECT_TRUE(stream);
    if (!stream) co_return;
    const std::string hash20 = "%01%02%03%04%05%06%07%08%09%0a%0b%0c%0d%0e%0f%10%11%12%13%14";
    const std::string rest = "&peer_id=" + hash20 + "&port=1&uploaded=0&downloaded=0&left=0";
    for (const std::string& target :
         std::vector<std::string>{"/announce?info_hash=%zz" + rest, "/announce?info_hash=%4" + rest,
                                  "/announce?info_hash=abc" + rest,                    // too short
                                  "/announce?info_hash=" + hash20 + "%15" + rest,      // 21 bytes
                                  "/announce?info_hash=" + hash20 + rest + "&port=2",  // duplicate
                                  "/announce?info_hash=" + hash20 + rest + "&numwant=five",
                                  "/announce?info_hash=" + hash20 + rest + "&event=bogus",
                                  "/announce?" + std::string(20'000, '&'),  // empty parameters only
                                  "/scrape?info_hash=%%%"}) {
      const auto reply = co_await http_get(client_host, *stream, target);
      EXPECT_TRUE(reply) << target;
      if (!reply) co_return;
      EXPECT_EQ(reply->status, 200u) << target;
      EXPECT_TRUE(reply->keep_alive);
      EXPECT_NE(failure_reason(*reply), "") << target;
    }
    const auto valid = co_await http_get(client_host, *stream, valid_target(4));
    EXPECT_TRUE(valid && failure_reason(*valid).empty());
  }());
  EXPECT_EQ(server->core().registry().peer_count(), 1u);
}

TEST_F(HostileInputTest, BadUdpPacketsAreDroppedOrAnsweredWithAnError) {
  start_tracker();
  run_client([&]() -> asio::awaitable<void> {
    net::Datagram socket = client_udp();
    const net::Endpoint tracker = udp_endpoint();
    const auto silent = [&](Bytes packet) -> asio::awaitable<bool> {
      const auto reply =
          co_await udp_exchange(client_host, socket, tracker, std::move(packet), 300ms);
      co_return !reply.has_value();
    };
    Bytes bad_magic = udp::encode(udp::ConnectRequest{.transaction_id = 9});
    bad_magic[2] ^= 0x40;
    const std::vector<Bytes> junk{Bytes(1, 0), Bytes(15, 0xff), Bytes(3000, 0),  // oversized
                                  Bytes(60'000, 7),                              // far oversized
                                  bad_magic};
    for (const Bytes& packet : junk) {
      const bool dropped = co_await silent(packet);
      EXPECT_TRUE(dropped) << packet.size() << " bytes";
    }
    // A forged connection id gets a small error, never more bytes than it sent.
    udp::AnnounceRequest forged;
    forged.connection_id = 0x1234'5678'9abc'def0;
    forged.transaction_id = 77;
    forged.port = 7000;
    const Bytes forged_bytes = udp::encode(forged);
    const auto reply = co_await udp_exchange(client_host, socket, tracker, forged_bytes);
    EXPECT_TRUE(reply);
    if (reply) {
      EXPECT_LE(reply->size(), forged_bytes.size());
      const auto error = udp::decode_response(*reply, protocol::PeerAddress::Family::ipv4);
      EXPECT_TRUE(error && std::holds_alternative<udp::ErrorResponse>(*error));
    }
    // A valid client is still served.
    UdpTrackerClient client(client_host, client_udp(), tracker);
    udp::AnnounceRequest valid;
    valid.info_hash = info_hash(1);
    valid.peer_id = peer_id(1);
    valid.port = 7001;
    const auto served = co_await client.announce(valid);
    EXPECT_TRUE(served && std::holds_alternative<udp::AnnounceResponse>(*served));
  }());
}

TEST_F(HostileInputTest, ScrapeFloodIsCutByTheRateLimitAndOthersAreServed) {
  TrackerConfig config = test_config();
  config.rate_limit = RateLimit{.requests_per_second = 10, .burst = 50};
  start_tracker(config);
  run_client([&]() -> asio::awaitable<void> {
    // 2,000 scrapes of 74 torrents each from 127.0.0.2, as fast as the socket takes them.
    UdpTrackerClient flooder(client_host, client_udp(), udp_endpoint());
    udp::ScrapeRequest scrape;
    for (std::uint32_t torrent = 0; torrent < udp::scrape_info_hash_count_max; ++torrent)
      scrape.info_hashes.push_back(info_hash(torrent));
    const auto first = co_await flooder.scrape(scrape);  // connects, so the id is valid
    EXPECT_TRUE(first && std::holds_alternative<udp::ScrapeResponse>(*first));
    net::Datagram socket = client_udp();
    Bytes packet = udp::encode(scrape);
    int answered = 0;
    for (int request = 0; request < 2000; ++request) {
      co_await socket.async_send_to(asio::buffer(packet), udp_endpoint(), asio::use_awaitable);
    }
    // Count the answers that come back: the forged-id errors that got past the limit.
    for (int reply = 0; reply < 2000; ++reply) {
      const auto answer = co_await udp_exchange(client_host, socket, udp_endpoint(), {}, 200ms);
      if (!answer) break;
      ++answered;
    }
    // The burst (less the two requests of the first scrape), plus what refilled meanwhile.
    EXPECT_LE(answered, 60);
    // Another address is served at once.
    net::RealHost& other = tracker_host;  // 127.0.0.1 is a different source address
    auto other_socket = other.open_udp({tracker_v4, 0});
    EXPECT_TRUE(other_socket);
    if (!other_socket) co_return;
    UdpTrackerClient bystander(other, std::move(*other_socket), udp_endpoint());
    const auto served = co_await bystander.scrape(scrape);
    EXPECT_TRUE(served && std::holds_alternative<udp::ScrapeResponse>(*served));
  }());
}

TEST_F(HostileInputTest, HttpFloodFromOneAddressIsRateLimited) {
  TrackerConfig config = test_config();
  config.rate_limit = RateLimit{.requests_per_second = 5, .burst = 20};
  start_tracker(config);
  run_client([&]() -> asio::awaitable<void> {
    auto stream = co_await connect_to(client_host, http_endpoint());
    EXPECT_TRUE(stream);
    if (!stream) co_return;
    int limited = 0;
    int served = 0;
    for (int request = 0; request < 200; ++request) {
      const auto reply = co_await http_get(client_host, *stream, valid_target(1));
      if (!reply) break;
      if (failure_reason(*reply) == failure::rate_limited) {
        ++limited;
      } else {
        ++served;
      }
    }
    // The burst goes through, then about 5 per second.
    EXPECT_GE(served, 20);
    EXPECT_GE(limited, 100);
    EXPECT_EQ(served + limited, 200);
  }());
}

}  // namespace
}  // namespace swarmlab::tracker
