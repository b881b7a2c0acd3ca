// HTTP request handling without sockets: targets in, status and bencoded bodies out.
#include "actors/tracker/http_request_handler.hpp"
#include "protocol/tracker_http.hpp"
#include "tests/tracker/tracker_test_support.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace swarmlab::tracker {
namespace {

using namespace test;
namespace http = protocol::tracker_http;

struct Report {
  record::TrackerRequest kind;
  PeerAddress from;
  InfoHash info_hash;
  AnnounceEvent event;
};

class RecordingObserver final : public record::Observer {
 public:
  void on_tracker_request(net::TimePoint, record::ActorId, record::TrackerRequest kind,
                          const PeerAddress& from, const InfoHash& hash,
                          AnnounceEvent event) override {
    reports.push_back({kind, from, hash, event});
  }
  std::vector<Report> reports;
};

http::AnnounceRequest announce_request(std::uint32_t number, std::uint32_t torrent = 1) {
  http::AnnounceRequest request;
  request.info_hash = info_hash(torrent);
  request.peer_id = peer_id(number);
  request.port = static_cast<std::uint16_t>(6000 + number);
  request.left_bytes = 1000;
  request.event = http::Event::started;
  request.compact = true;
  return request;
}

class HttpHandlerTest : public ::testing::Test {
 protected:
  explicit HttpHandlerTest(TrackerConfig tracker_config = test_config())
      : config(std::move(tracker_config)), core(config, rng, &observer), handler(core) {}

  HttpReply get(const std::string& target, const PeerAddress& from, net::TimePoint now = at(1s)) {
    return handler.handle(true, target, from, now);
  }

  // Announces `request` from 10.0.0.<number>; expects success and returns the parsed reply.
  http::AnnounceResponse announce(const http::AnnounceRequest& request, std::uint32_t number,
                                  net::TimePoint now = at(1s)) {
    const HttpReply reply =
        get(http::build_announce_url("/announce", request), ipv4_peer(number, 40000), now);
    EXPECT_EQ(reply.status, 200u);
    const auto response = http::parse_announce_response(
        std::span(reinterpret_cast<const std::uint8_t*>(reply.body.data()), reply.body.size()));
    EXPECT_TRUE(response) << response.error().describe();
    if (!response) return {};
    EXPECT_FALSE(response->failure_reason) << *response->failure_reason;
    return *response;
  }

  std::string failure_of(const HttpReply& reply) {
    const auto response = http::parse_announce_response(
        std::span(reinterpret_cast<const std::uint8_t*>(reply.body.data()), reply.body.size()));
    EXPECT_TRUE(response) << response.error().describe();
    return response && response->failure_reason ? *response->failure_reason : "";
  }

  TrackerConfig config;
  net::Rng rng{1};
  RecordingObserver observer;
  TrackerCore core;
  HttpRequestHandler handler;
};

TEST_F(HttpHandlerTest, AnnounceListsOtherPeersInCompactForm) {
  for (std::uint32_t number = 1; number <= 5; ++number)
    announce(announce_request(number), number);
  const http::AnnounceResponse response = announce(announce_request(6), 6);
  EXPECT_EQ(response.interval_seconds, 60u);
  EXPECT_EQ(response.min_interval_seconds, 30u);
  EXPECT_EQ(response.tracker_id, "swarmlab");
  EXPECT_EQ(response.incomplete, 6u);
  EXPECT_EQ(response.complete, 0u);
  ASSERT_EQ(response.peers.size(), 5u);
  std::set<PeerAddress> expected;
  for (std::uint32_t number = 1; number <= 5; ++number)
    expected.insert(ipv4_peer(number, static_cast<std::uint16_t>(6000 + number)));
  for (const http::TrackerPeer& peer : response.peers) {
    EXPECT_TRUE(expected.contains(peer.address)) << peer.address.to_string();
    EXPECT_FALSE(peer.peer_id);  // compact carries no peer ids
  }
}

TEST_F(HttpHandlerTest, DictionaryPeersWithAndWithoutPeerIds) {
  announce(announce_request(1), 1);
  http::AnnounceRequest request = announce_request(2);
  request.compact = false;
  auto response = announce(request, 2);
  ASSERT_EQ(response.peers.size(), 1u);
  EXPECT_EQ(response.peers[0].address, ipv4_peer(1, 6001));
  EXPECT_EQ(response.peers[0].peer_id, peer_id(1));
  request.no_peer_id = true;
  response = announce(request, 2);
  ASSERT_EQ(response.peers.size(), 1u);
  EXPECT_EQ(response.peers[0].address, ipv4_peer(1, 6001));
  EXPECT_FALSE(response.peers[0].peer_id);
}

TEST_F(HttpHandlerTest, IpvSixPeersTravelInPeers6) {
  announce(announce_request(1), 1);
  const HttpReply six =
      get(http::build_announce_url("/announce", announce_request(2)), ipv6_peer(2, 40000));
  EXPECT_EQ(six.status, 200u);
  EXPECT_EQ(failure_of(six), "");
  const http::AnnounceResponse response = announce(announce_request(3), 3);
  ASSERT_EQ(response.peers.size(), 2u);
  std::set<PeerAddress> seen{response.peers[0].address, response.peers[1].address};
  EXPECT_TRUE(seen.contains(ipv4_peer(1, 6001)));
  EXPECT_TRUE(seen.contains(ipv6_peer(2, 6002)));
  // The BEP 7 key carries the IPv6 peer in a compact reply.
  const HttpReply raw =
      get(http::build_announce_url("/announce", announce_request(3)), ipv4_peer(3, 40000));
  EXPECT_NE(raw.body.find("6:peers618:"), std::string::npos) << raw.body;
}

TEST_F(HttpHandlerTest, NumwantDefaultsAndIsCapped) {
  for (std::uint32_t number = 1; number <= 260; ++number)
    announce(announce_request(number), number);
  http::AnnounceRequest request = announce_request(261);
  EXPECT_EQ(announce(request, 261).peers.size(), 50u);
  request.numwant = 7;
  EXPECT_EQ(announce(request, 261).peers.size(), 7u);
  request.numwant = 0;
  EXPECT_EQ(announce(request, 261).peers.size(), 0u);
  request.numwant = 5000;
  EXPECT_EQ(announce(request, 261).peers.size(), config.numwant_max);
}

TEST_F(HttpHandlerTest, StoppedPeerDisappearsAndGetsNoPeers) {
  announce(announce_request(1), 1);
  announce(announce_request(2), 2);
  http::AnnounceRequest stop = announce_request(1);
  stop.event = http::Event::stopped;
  EXPECT_TRUE(announce(stop, 1).peers.empty());
  const auto response = announce(announce_request(3), 3);
  ASSERT_EQ(response.peers.size(), 1u);
  EXPECT_EQ(response.peers[0].address, ipv4_peer(2, 6002));
}

TEST_F(HttpHandlerTest, ExpiredPeerDisappears) {
  announce(announce_request(1), 1, at(0s));
  announce(announce_request(2), 2, at(50s));
  // At 100 s, peer 1 (last seen at 0 s) is past the 90 s timeout, even before a sweep.
  auto response = announce(announce_request(3), 3, at(100s));
  ASSERT_EQ(response.peers.size(), 1u);
  EXPECT_EQ(response.peers[0].address, ipv4_peer(2, 6002));
  core.sweep(at(100s));
  response = announce(announce_request(3), 3, at(101s));
  EXPECT_EQ(response.incomplete, 2u);  // peers 2 and 3
}

TEST_F(HttpHandlerTest, ScrapeCountsSeedersLeechersAndCompleted) {
  announce(announce_request(1), 1);
  announce(announce_request(2), 2);
  http::AnnounceRequest done = announce_request(2);
  done.event = http::Event::completed;
  done.left_bytes = 0;
  announce(done, 2);
  announce(announce_request(3, 2), 3);
  const std::vector<InfoHash> asked{info_hash(1), info_hash(2), info_hash(9)};
  const HttpReply reply = get(http::build_scrape_url("/scrape", asked), ipv4_peer(1));
  ASSERT_EQ(reply.status, 200u);
  const auto scrape = http::parse_scrape_response(
      std::span(reinterpret_cast<const std::uint8_t*>(reply.body.data()), reply.body.size()));
  ASSERT_TRUE(scrape) << scrape.error().describe();
  std::map<InfoHash, http::ScrapeStats> files(scrape->files.begin(), scrape->files.end());
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[info_hash(1)],
            (http::ScrapeStats{.complete = 1, .downloaded = 1, .incomplete = 1}));
  EXPECT_EQ(files[info_hash(2)],
            (http::ScrapeStats{.complete = 0, .downloaded = 0, .incomplete = 1}));
  EXPECT_EQ(files[info_hash(9)], (http::ScrapeStats{}));
}

TEST_F(HttpHandlerTest, InvalidRequestsGetAFailureReason) {
  const std::string good = http::build_announce_url("/announce", announce_request(1));
  EXPECT_NE(failure_of(get("/announce?info_hash=%zz", ipv4_peer(1))).find("invalid announce"),
            std::string::npos);
  EXPECT_NE(failure_of(get("/announce?info_hash=short&peer_id=x", ipv4_peer(1))), "");
  EXPECT_NE(failure_of(get("/announce", ipv4_peer(1))), "");
  EXPECT_NE(failure_of(get("/scrape", ipv4_peer(1))), "");
  EXPECT_NE(failure_of(get("/scrape?info_hash=abc", ipv4_peer(1))), "");
  http::AnnounceRequest no_port = announce_request(1);
  no_port.port = 0;
  EXPECT_EQ(failure_of(get(http::build_announce_url("/announce", no_port), ipv4_peer(1))),
            failure::invalid_port);
  const HttpReply missing = get("/nothing-here", ipv4_peer(1));
  EXPECT_EQ(missing.status, 404u);
  EXPECT_NE(failure_of(missing), "");
  const HttpReply posted = handler.handle(false, good, ipv4_peer(1), at(1s));
  EXPECT_EQ(posted.status, 405u);
  EXPECT_EQ(HttpRequestHandler::reply_to_unreadable(HttpProblem::too_large).status, 431u);
  EXPECT_TRUE(HttpRequestHandler::reply_to_unreadable(HttpProblem::malformed).close);
  // None of that touched the swarm state, and a valid announce still works.
  EXPECT_EQ(core.registry().swarm_count(), 0u);
  EXPECT_EQ(announce(announce_request(1), 1).incomplete, 1u);
}

TEST_F(HttpHandlerTest, ObserverHearsAnnouncesAndScrapes) {
  announce(announce_request(1), 1);
  const std::vector<InfoHash> asked{info_hash(1)};
  get(http::build_scrape_url("/scrape", asked), ipv4_peer(2, 40000));
  ASSERT_EQ(observer.reports.size(), 2u);
  EXPECT_EQ(observer.reports[0].kind, record::TrackerRequest::announce);
  EXPECT_EQ(observer.reports[0].from, ipv4_peer(1, 6001));
  EXPECT_EQ(observer.reports[0].info_hash, info_hash(1));
  EXPECT_EQ(observer.reports[0].event, AnnounceEvent::started);
  EXPECT_EQ(observer.reports[1].kind, record::TrackerRequest::scrape);
  EXPECT_EQ(observer.reports[1].from, ipv4_peer(2, 40000));
}

TrackerConfig private_config() {
  TrackerConfig config = test_config();
  config.whitelist = std::vector<InfoHash>{info_hash(1)};
  return config;
}

class PrivateHttpHandlerTest : public HttpHandlerTest {
 protected:
  PrivateHttpHandlerTest() : HttpHandlerTest(private_config()) {}
};

TEST_F(PrivateHttpHandlerTest, ServesOnlyListedTorrents) {
  EXPECT_EQ(announce(announce_request(1, 1), 1).incomplete, 1u);
  const HttpReply refused =
      get(http::build_announce_url("/announce", announce_request(1, 2)), ipv4_peer(1, 40000));
  EXPECT_EQ(failure_of(refused), failure::not_registered);
  EXPECT_EQ(core.registry().swarm_count(), 1u);
  const std::vector<InfoHash> asked{info_hash(1), info_hash(2)};
  const HttpReply reply = get(http::build_scrape_url("/scrape", asked), ipv4_peer(1));
  const auto scrape = http::parse_scrape_response(
      std::span(reinterpret_cast<const std::uint8_t*>(reply.body.data()), reply.body.size()));
  ASSERT_TRUE(scrape);
  ASSERT_EQ(scrape->files.size(), 1u);
  EXPECT_EQ(scrape->files[0].first, info_hash(1));
}

TrackerConfig limited_config() {
  TrackerConfig config = test_config();
  config.rate_limit = RateLimit{.requests_per_second = 2, .burst = 5};
  return config;
}

class RateLimitedHttpHandlerTest : public HttpHandlerTest {
 protected:
  RateLimitedHttpHandlerTest() : HttpHandlerTest(limited_config()) {}
};

TEST_F(RateLimitedHttpHandlerTest, RefusesAnAddressOverItsRate) {
  const std::string target = http::build_announce_url("/announce", announce_request(1));
  for (int request = 0; request < 5; ++request) {
    EXPECT_EQ(failure_of(get(target, ipv4_peer(1), at(1s))), "") << request;
  }
  EXPECT_EQ(failure_of(get(target, ipv4_peer(1), at(1s))), failure::rate_limited);
  // Another address is not affected; the same address may go on after a pause (2 per second).
  EXPECT_EQ(failure_of(get(target, ipv4_peer(2), at(1s))), "");
  EXPECT_EQ(failure_of(get(target, ipv4_peer(1), at(1500ms))), "");
  EXPECT_EQ(failure_of(get(target, ipv4_peer(1), at(1500ms))), failure::rate_limited);
}

}  // namespace
}  // namespace swarmlab::tracker
