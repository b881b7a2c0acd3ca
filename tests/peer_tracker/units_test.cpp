// The tracker client's pure parts: announce URLs, the schedule, and HTTP replies.
#include "actors/peer/announce_schedule.hpp"
#include "actors/peer/http_announce.hpp"
#include "actors/peer/tracker_url.hpp"
#include "protocol/tracker_http.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace swarmlab::peer_tracker_test {
namespace {

using namespace std::chrono_literals;
using peer::TrackerUrl;

TEST(TrackerUrl, ParsesHttpWithIpv4LiteralPortAndQuery) {
  const auto url = peer::parse_tracker_url("http://10.0.0.9:6969/announce?passkey=ab");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->scheme, TrackerUrl::Scheme::http);
  EXPECT_EQ(url->host, "10.0.0.9");
  EXPECT_EQ(url->port, 6969);
  EXPECT_EQ(url->target, "/announce?passkey=ab");
  ASSERT_TRUE(url->address);
  EXPECT_EQ(url->address->to_string(), "10.0.0.9");
  EXPECT_EQ(url->authority(), "10.0.0.9:6969");
}

TEST(TrackerUrl, ParsesNamesIpv6AndDefaults) {
  const auto named = peer::parse_tracker_url("HTTP://tracker.example.org/announce");
  ASSERT_TRUE(named);
  EXPECT_EQ(named->port, 80);
  EXPECT_FALSE(named->address);
  EXPECT_EQ(named->host, "tracker.example.org");

  const auto v6 = peer::parse_tracker_url("udp://[::1]:1337/announce");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->scheme, TrackerUrl::Scheme::udp);
  ASSERT_TRUE(v6->address);
  EXPECT_TRUE(v6->address->is_v6());
  EXPECT_EQ(v6->port, 1337);
  EXPECT_EQ(v6->authority(), "[::1]:1337");

  const auto bare = peer::parse_tracker_url("http://1.2.3.4:80");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->target, "/");
}

TEST(TrackerUrl, RefusesWhatItCannotUse) {
  for (const char* text : {"https://a.org/announce", "udp://a.org/announce", "http://:80/",
                           "http://a.org:0/", "http://a.org:70000/", "http://u@a.org/",
                           "http://[::1/", "http://a b/", "http://a.org/x y", "ftp://a.org/"}) {
    EXPECT_FALSE(peer::parse_tracker_url(text)) << text;
  }
  EXPECT_FALSE(
      peer::parse_tracker_url("http://a.org/" + std::string(peer::tracker_url_size_max, 'x')));
}

TEST(AnnounceSchedule, RegularIntervalHonoursMinIntervalAndFloor) {
  const peer::TrackerClientOptions options;
  EXPECT_EQ(peer::regular_interval(1800, 900, options), 1800s);
  EXPECT_EQ(peer::regular_interval(30, 60, options), 60s);
  EXPECT_EQ(peer::regular_interval(0, std::nullopt, options), options.interval_default);
  EXPECT_EQ(peer::regular_interval(1, std::nullopt, options), options.interval_floor);
}

TEST(AnnounceSchedule, RetryDelayDoublesUpToItsCap) {
  peer::TrackerClientOptions options;
  options.retry_delay_min = 15s;
  options.retry_delay_max = 100s;
  EXPECT_EQ(peer::retry_delay(1, options), 15s);
  EXPECT_EQ(peer::retry_delay(2, options), 30s);
  EXPECT_EQ(peer::retry_delay(3, options), 60s);
  EXPECT_EQ(peer::retry_delay(4, options), 100s);
  EXPECT_EQ(peer::retry_delay(1000, options), 100s);
}

std::vector<std::uint8_t> bytes_of(const std::string& text) {
  return {text.begin(), text.end()};
}

TEST(HttpReply, CarriesCompactIpv4AndIpv6PeersAndTheTrackersFields) {
  protocol::tracker_http::AnnounceResponse response;
  response.interval_seconds = 900;
  response.min_interval_seconds = 300;
  response.tracker_id = "t-1";
  response.warning_message = "whitelist changes tomorrow";
  response.complete = 4;
  response.incomplete = 7;
  const auto v4 = protocol::PeerAddress::ipv4({10, 1, 2, 3}, 6881);
  const auto v6 = protocol::PeerAddress::ipv6(
      {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 51413);
  response.peers = {{v4, std::nullopt}, {v6, std::nullopt}};
  const auto body = bytes_of(protocol::tracker_http::encode_announce_response(
      response, protocol::tracker_http::PeerListFormat::compact));
  const peer::TrackerReply reply = peer::http_reply_from_body(body);
  ASSERT_TRUE(reply.succeeded()) << reply.error;
  EXPECT_EQ(reply.interval_seconds, 900u);
  EXPECT_EQ(reply.min_interval_seconds, 300u);
  EXPECT_EQ(reply.tracker_id, "t-1");
  EXPECT_EQ(reply.warning, "whitelist changes tomorrow");
  EXPECT_EQ(reply.seeders, 4u);
  EXPECT_EQ(reply.leechers, 7u);
  EXPECT_EQ(reply.peers, (std::vector<protocol::PeerAddress>{v4, v6}));
}

TEST(HttpReply, CarriesDictionaryPeers) {
  protocol::tracker_http::AnnounceResponse response;
  response.interval_seconds = 60;
  const auto v4 = protocol::PeerAddress::ipv4({192, 168, 1, 5}, 7000);
  response.peers = {{v4, protocol::PeerId{}}};
  const auto body = bytes_of(protocol::tracker_http::encode_announce_response(
      response, protocol::tracker_http::PeerListFormat::dictionary));
  const peer::TrackerReply reply = peer::http_reply_from_body(body);
  ASSERT_TRUE(reply.succeeded()) << reply.error;
  EXPECT_EQ(reply.peers, (std::vector<protocol::PeerAddress>{v4}));
}

TEST(HttpReply, ReportsFailureReasonsAndGarbage) {
  const peer::TrackerReply refused =
      peer::http_reply_from_body(bytes_of(protocol::tracker_http::encode_failure("not here")));
  EXPECT_FALSE(refused.succeeded());
  EXPECT_EQ(refused.error, "not here");
  const peer::TrackerReply garbage = peer::http_reply_from_body(bytes_of("<html>"));
  EXPECT_FALSE(garbage.succeeded());
}

}  // namespace
}  // namespace swarmlab::peer_tracker_test
