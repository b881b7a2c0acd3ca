// A whole swarm against one tracker: 1,000 peers (half over UDP, half over HTTP) announce; each
// gets up to numwant others and never itself; stopped and expired peers disappear from replies;
// scrape counts are right. Written against TrackerWorld, so it runs on every backend.
#include "actors/tracker/peer_endpoint.hpp"
#include "actors/tracker/tracker.hpp"
#include "tests/tracker/tracker_clients.hpp"
#include "tests/tracker/tracker_test_support.hpp"
#include "tests/tracker/tracker_world.hpp"

#include <gtest/gtest.h>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <functional>
#include <set>

namespace swarmlab::tracker {
namespace {

using namespace test;
namespace asio = boost::asio;
namespace http = protocol::tracker_http;
namespace udp = protocol::tracker_udp;

constexpr std::uint32_t peer_count = 1000;
constexpr std::uint32_t silent_begin = 100;
constexpr std::uint32_t finishing_begin = 200;
constexpr std::uint32_t leeching_begin = 400;
constexpr std::uint32_t numwant = 50;
constexpr std::uint16_t peer_port = 6881;
constexpr net::Duration peer_timeout = 4s;
constexpr net::Duration sweep_period = 250ms;
// Active peers announce again this long after the first round, and the last round starts after
// the silent peers' timeout plus a sweep (so their entries are gone, not just skipped).
constexpr net::Duration second_round_delay = 3s;
constexpr net::Duration third_round_delay = peer_timeout + 3 * sweep_period;
static_assert(second_round_delay < peer_timeout);
static_assert(third_round_delay < second_round_delay + peer_timeout);
constexpr net::Duration round_limit = 20s;
// On real sockets the expiry rules are not checked (see below), and a loaded machine can stretch
// three rounds of 1,000 announces past peer_timeout: there, peers are not timed out during a test.
constexpr net::Duration real_peer_timeout = 10min;

struct Reply {
  bool ok = false;
  std::vector<PeerAddress> peers;
  std::uint32_t seeders = 0;
  std::uint32_t leechers = 0;
};

struct Peer {
  net::Host* host = nullptr;
  PeerAddress address;  // as the tracker lists it
  bool over_udp = false;
  Reply reply;
  bool done = false;
};

struct Round {
  AnnounceEvent event = AnnounceEvent::none;
  bool seeder = false;
};

asio::awaitable<Reply> announce_over_http(Peer& peer, net::Endpoint tracker, std::uint32_t index,
                                          Round round) {
  http::AnnounceRequest request;
  request.info_hash = info_hash(1);
  request.peer_id = peer_id(index);
  request.port = peer_port;
  request.left_bytes = round.seeder ? 0 : 1000;
  request.event = round.event == AnnounceEvent::started     ? http::Event::started
                  : round.event == AnnounceEvent::stopped   ? http::Event::stopped
                  : round.event == AnnounceEvent::completed ? http::Event::completed
                                                            : http::Event::none;
  request.compact = true;
  request.numwant = numwant;
  auto stream = co_await connect_to(*peer.host, tracker);
  if (!stream) co_return Reply{};
  const auto text =
      co_await http_get(*peer.host, *stream, http::build_announce_url("/announce", request));
  if (!text || text->status != 200) co_return Reply{};
  const auto response = http::parse_announce_response(
      std::span(reinterpret_cast<const std::uint8_t*>(text->body.data()), text->body.size()));
  if (!response || response->failure_reason) co_return Reply{};
  Reply reply{.ok = true,
              .peers = {},
              .seeders = response->complete.value_or(0),
              .leechers = response->incomplete.value_or(0)};
  for (const http::TrackerPeer& listed : response->peers)
    reply.peers.push_back(listed.address);
  co_return reply;
}

asio::awaitable<Reply> announce_over_udp(Peer& peer, net::Endpoint tracker, std::uint32_t index,
                                         Round round) {
  auto socket = peer.host->open_udp({peer.host->addresses().front(), 0});
  if (!socket) co_return Reply{};
  UdpTrackerClient client(*peer.host, std::move(*socket), tracker, 1s, 5);
  udp::AnnounceRequest request;
  request.info_hash = info_hash(1);
  request.peer_id = peer_id(index);
  request.port = peer_port;
  request.left_bytes = round.seeder ? 0 : 1000;
  request.event = round.event == AnnounceEvent::started     ? udp::Event::started
                  : round.event == AnnounceEvent::stopped   ? udp::Event::stopped
                  : round.event == AnnounceEvent::completed ? udp::Event::completed
                                                            : udp::Event::none;
  request.key = index;
  request.num_want = numwant;
  const auto response = co_await client.announce(request);
  if (!response || !std::holds_alternative<udp::AnnounceResponse>(*response)) co_return Reply{};
  const auto& announced = std::get<udp::AnnounceResponse>(*response);
  co_return Reply{.ok = true,
                  .peers = announced.peers,
                  .seeders = announced.seeders,
                  .leechers = announced.leechers};
}

class TrackerSwarmWorld : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    world = make_tracker_world(GetParam());
    net::Host& tracker_host = world->add_host();
    TrackerConfig config = test_config();
    config.interval = 2s;
    config.min_interval = 1s;
    config.peer_timeout = GetParam() == "real" ? real_peer_timeout : peer_timeout;
    config.sweep_period = sweep_period;
    auto opened = TrackerServer::open(tracker_host, config, nullptr);
    ASSERT_TRUE(opened) << opened.error().message();
    server = std::move(*opened);
    tracker_host.spawn(server->run());
    http_endpoint = server->endpoints().http.at(0);
    udp_endpoint = server->endpoints().udp.at(0);
    peers.resize(peer_count);
    for (std::uint32_t index = 0; index < peer_count; ++index) {
      Peer& peer = peers[index];
      peer.host = &world->add_host();
      peer.over_udp = index % 2 == 0;
      peer.address = to_peer_address({peer.host->addresses().front(), peer_port});
      all_addresses.insert(peer.address);
    }
  }

  void TearDown() override {
    world->cancel_all();  // the tracker's tasks included, before the server goes
    server.reset();
    world.reset();
  }

  // Every peer in [begin, end) announces once, as `round_of(index)` says, their starts spread
  // over the first second; returns whether all got a reply in time.
  bool announce_round(std::uint32_t begin, std::uint32_t end,
                      const std::function<Round(std::uint32_t)>& round_of) {
    for (std::uint32_t index = begin; index < end; ++index) {
      Peer& peer = peers[index];
      peer.done = false;
      peer.reply = Reply{};
      peer.host->spawn(announce_later(peer, index, round_of(index)));
    }
    return world->run_until(
        [&] {
          return std::all_of(peers.begin() + begin, peers.begin() + end,
                             [](const Peer& peer) { return peer.done; });
        },
        round_limit);
  }

  asio::awaitable<void> announce_later(Peer& peer, std::uint32_t index, Round round) {
    co_await peer.host->sleep(std::chrono::milliseconds(index % 1000));
    // (An if, not `?:`: GCC 12 mishandles co_await in a conditional expression.)
    if (peer.over_udp) {
      peer.reply = co_await announce_over_udp(peer, udp_endpoint, index, round);
    } else {
      peer.reply = co_await announce_over_http(peer, http_endpoint, index, round);
    }
    peer.done = true;
  }

  void expect_sound_reply(std::uint32_t index, const std::set<PeerAddress>& allowed) {
    const Peer& peer = peers[index];
    ASSERT_TRUE(peer.reply.ok) << "peer " << index;
    EXPECT_LE(peer.reply.peers.size(), numwant);
    const std::set<PeerAddress> distinct(peer.reply.peers.begin(), peer.reply.peers.end());
    EXPECT_EQ(distinct.size(), peer.reply.peers.size()) << "peer " << index;
    EXPECT_FALSE(distinct.contains(peer.address)) << "peer " << index << " got itself";
    for (const PeerAddress& listed : distinct) {
      EXPECT_TRUE(allowed.contains(listed)) << "peer " << index << " got " << listed.to_string();
    }
    // Up to numwant: all the others when fewer.
    const std::uint32_t others = peer.reply.seeders + peer.reply.leechers - 1;
    EXPECT_EQ(peer.reply.peers.size(), std::min(numwant, others)) << "peer " << index;
  }

  std::unique_ptr<TrackerWorld> world;
  std::unique_ptr<TrackerServer> server;
  net::Endpoint http_endpoint;
  net::Endpoint udp_endpoint;
  std::vector<Peer> peers;
  std::set<PeerAddress> all_addresses;
};

// Who is what: peers [0, 100) stop, [100, 200) go silent, [200, 400) complete, the rest leech.
bool is_finishing(std::uint32_t index) {
  return index >= finishing_begin && index < leeching_begin;
}

TEST_P(TrackerSwarmWorld, ThousandPeersFindEachOtherAndLeave) {
  ASSERT_TRUE(announce_round(0, peer_count, [](std::uint32_t) {
    return Round{AnnounceEvent::started, false};
  }));
  for (std::uint32_t index = 0; index < peer_count; ++index) {
    expect_sound_reply(index, all_addresses);
  }
  EXPECT_EQ(server->core().registry().peer_count(), peer_count);
  // Expiry is a matter of seconds between rounds of 1,000 announces: exact in simulated time, but
  // on real sockets a loaded machine stretches a round past the timeouts. The real backend stops at
  // the first round; the expiry rules are checked in the simulator.
  if (GetParam() == "real") return;
  const net::TimePoint first_round_end = world->now();

  world->run_for(second_round_delay);
  ASSERT_TRUE(announce_round(0, silent_begin, [](std::uint32_t) {
    return Round{AnnounceEvent::stopped, false};
  }));
  for (std::uint32_t index = 0; index < silent_begin; ++index) {
    EXPECT_TRUE(peers[index].reply.ok);
    EXPECT_TRUE(peers[index].reply.peers.empty());
  }
  ASSERT_TRUE(announce_round(finishing_begin, peer_count, [](std::uint32_t index) {
    return is_finishing(index) ? Round{AnnounceEvent::completed, true}
                               : Round{AnnounceEvent::none, false};
  }));

  // Past the silent peers' timeout (and a sweep), but within the others'.
  world->run_for(
      std::max(net::Duration::zero(), first_round_end + third_round_delay - world->now()));
  ASSERT_TRUE(announce_round(finishing_begin, peer_count, [](std::uint32_t index) {
    return Round{AnnounceEvent::none, is_finishing(index)};
  }));
  std::set<PeerAddress> active;
  for (std::uint32_t index = finishing_begin; index < peer_count; ++index) {
    active.insert(peers[index].address);
  }
  for (std::uint32_t index = finishing_begin; index < peer_count; ++index) {
    expect_sound_reply(index, active);
    EXPECT_EQ(peers[index].reply.seeders, leeching_begin - finishing_begin);
    EXPECT_EQ(peers[index].reply.leechers, peer_count - leeching_begin);
  }
  EXPECT_EQ(server->core().registry().peer_count(), peer_count - finishing_begin);
}

TEST_P(TrackerSwarmWorld, ScrapeCountsAreRight) {
  ASSERT_TRUE(announce_round(0, peer_count, [](std::uint32_t) {
    return Round{AnnounceEvent::started, false};
  }));
  ASSERT_TRUE(announce_round(0, silent_begin, [](std::uint32_t) {
    return Round{AnnounceEvent::stopped, false};
  }));
  ASSERT_TRUE(announce_round(finishing_begin, leeching_begin, [](std::uint32_t) {
    return Round{AnnounceEvent::completed, true};
  }));
  // Seeders [200, 400), leechers [100, 200) and [400, 1000), 200 completed downloads.
  const std::uint32_t seeders = leeching_begin - finishing_begin;
  const std::uint32_t leechers = peer_count - leeching_begin + (finishing_begin - silent_begin);
  net::Host& observer = world->add_host();
  bool done = false;
  // Built outside the coroutine: GCC 12 cannot put a braced list of arrays in a coroutine frame.
  const std::vector<InfoHash> scraped_hashes{info_hash(1), info_hash(2)};
  const std::vector<InfoHash> asked{info_hash(1)};
  // A named closure: the coroutine refers to its captures, so it must outlive the run.
  const auto scrape_both_ways = [&]() -> asio::awaitable<void> {
    auto socket = observer.open_udp({observer.addresses().front(), 0});
    EXPECT_TRUE(socket);
    if (!socket) co_return;
    UdpTrackerClient client(observer, std::move(*socket), udp_endpoint);
    // A named request: GCC 12 destroys an aggregate temporary in a co_await expression twice.
    udp::ScrapeRequest request{
        .connection_id = 0, .transaction_id = 0, .info_hashes = scraped_hashes};
    const auto scraped = co_await client.scrape(std::move(request));
    EXPECT_TRUE(scraped && std::holds_alternative<udp::ScrapeResponse>(*scraped));
    if (scraped && std::holds_alternative<udp::ScrapeResponse>(*scraped)) {
      const auto& entries = std::get<udp::ScrapeResponse>(*scraped).entries;
      EXPECT_EQ(entries.size(), 2u);
      if (entries.size() == 2) {
        EXPECT_EQ(entries[0], (udp::ScrapeEntry{
                                  .seeders = seeders, .completed = seeders, .leechers = leechers}));
        EXPECT_EQ(entries[1], udp::ScrapeEntry{});
      }
    }
    auto stream = co_await connect_to(observer, http_endpoint);
    EXPECT_TRUE(stream);
    if (!stream) co_return;
    const auto text =
        co_await http_get(observer, *stream, http::build_scrape_url("/scrape", asked));
    EXPECT_TRUE(text);
    if (!text) co_return;
    const auto response = http::parse_scrape_response(
        std::span(reinterpret_cast<const std::uint8_t*>(text->body.data()), text->body.size()));
    EXPECT_TRUE(response && response->files.size() == 1);
    if (response && response->files.size() == 1) {
      EXPECT_EQ(
          response->files[0].second,
          (http::ScrapeStats{.complete = seeders, .downloaded = seeders, .incomplete = leechers}));
    }
    done = true;
  };
  observer.spawn(scrape_both_ways());
  EXPECT_TRUE(world->run_until([&] { return done; }, round_limit));
}

INSTANTIATE_TEST_SUITE_P(Backends, TrackerSwarmWorld, ::testing::Values(std::string("real")),
                         [](const ::testing::TestParamInfo<std::string>& backend) {
                           return backend.param;
                         });

}  // namespace
}  // namespace swarmlab::tracker
