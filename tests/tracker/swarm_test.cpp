// Swarm state: who is listed, who is counted, who is returned to whom.
#include "actors/tracker/swarm.hpp"
#include "actors/tracker/swarm_registry.hpp"
#include "tests/tracker/tracker_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <vector>

namespace swarmlab::tracker {
namespace {

using namespace test;

constexpr net::TimePoint long_ago{};

PeerAnnounce leecher(std::uint32_t number, AnnounceEvent event = AnnounceEvent::started) {
  return PeerAnnounce{.address = ipv4_peer(number),
                      .peer_id = peer_id(number),
                      .key = std::nullopt,
                      .seeder = false,
                      .event = event};
}

PeerAnnounce seeder(std::uint32_t number, AnnounceEvent event = AnnounceEvent::started) {
  PeerAnnounce announce = leecher(number, event);
  announce.seeder = true;
  return announce;
}

// The announce of `number` as it comes from the peer's IPv6 address.
PeerAnnounce over_ipv6(PeerAnnounce announce, std::uint32_t number) {
  announce.address = ipv6_peer(number);
  return announce;
}

Requester requester_of(const PeerAnnounce& announce) {
  return Requester{announce.address, announce.peer_id};
}

std::vector<ListedPeer> sample(const Swarm& swarm, std::size_t count, const Requester& requester,
                               net::Rng& rng, net::TimePoint live_since = long_ago,
                               FamilyPolicy policy = FamilyPolicy::same_then_other) {
  std::vector<ListedPeer> peers;
  swarm.sample(count, requester, policy, live_since, rng, peers);
  return peers;
}

// A swarm of `count` leechers numbered 1..count, announced at time zero.
Swarm swarm_of(std::uint32_t count) {
  Swarm swarm(7, at(0s));
  for (std::uint32_t number = 1; number <= count; ++number) {
    EXPECT_EQ(swarm.update(leecher(number), at(0s), true), SwarmUpdate::added);
  }
  return swarm;
}

TEST(TrackerSwarm, CountsSeedersAndLeechers) {
  Swarm swarm(1, at(0s));
  swarm.update(leecher(1), at(0s), true);
  swarm.update(leecher(2), at(0s), true);
  swarm.update(seeder(3), at(0s), true);
  EXPECT_EQ(swarm.counts(), (SwarmCounts{.seeders = 1, .leechers = 2, .completed = 0}));
  // A leecher that finishes becomes a seeder and counts as one completed download.
  swarm.update(seeder(1, AnnounceEvent::completed), at(1s), true);
  EXPECT_EQ(swarm.counts(), (SwarmCounts{.seeders = 2, .leechers = 1, .completed = 1}));
}

TEST(TrackerSwarm, CountsCoverBothFamilies) {
  Swarm swarm(1, at(0s));
  swarm.update(leecher(1), at(0s), true);
  swarm.update(seeder(2), at(0s), true);
  PeerAnnounce six_leecher = over_ipv6(leecher(3), 3);
  swarm.update(six_leecher, at(5s), true);
  swarm.update(over_ipv6(seeder(4), 4), at(5s), true);
  EXPECT_EQ(swarm.counts(), (SwarmCounts{.seeders = 2, .leechers = 2, .completed = 0}));
  EXPECT_EQ(swarm.peer_count(), 4u);
  // An IPv6 leecher that completes, then stops; the IPv4 peers expire.
  six_leecher.seeder = true;
  six_leecher.event = AnnounceEvent::completed;
  swarm.update(six_leecher, at(6s), true);
  EXPECT_EQ(swarm.counts(), (SwarmCounts{.seeders = 3, .leechers = 1, .completed = 1}));
  six_leecher.event = AnnounceEvent::stopped;
  swarm.update(six_leecher, at(7s), true);
  EXPECT_EQ(swarm.counts(), (SwarmCounts{.seeders = 2, .leechers = 1, .completed = 1}));
  EXPECT_EQ(swarm.expire(at(1s)), 2u);
  EXPECT_EQ(swarm.counts(), (SwarmCounts{.seeders = 1, .leechers = 0, .completed = 1}));
  EXPECT_EQ(swarm.peer_count(), 1u);
}

TEST(TrackerSwarm, CompletedCountsEachLeecherOnce) {
  Swarm swarm(1, at(0s));
  swarm.update(leecher(1), at(0s), true);
  swarm.update(seeder(1, AnnounceEvent::completed), at(1s), true);
  swarm.update(seeder(1, AnnounceEvent::completed), at(2s), true);  // repeated
  swarm.update(seeder(2, AnnounceEvent::completed), at(3s), true);  // first seen completing
  EXPECT_EQ(swarm.counts().completed, 2u);
  // Stopping does not undo a completed download.
  swarm.update(seeder(1, AnnounceEvent::stopped), at(4s), true);
  EXPECT_EQ(swarm.counts(), (SwarmCounts{.seeders = 1, .leechers = 0, .completed = 2}));
}

TEST(TrackerSwarm, SampleNeverReturnsTheRequester) {
  const Swarm swarm = swarm_of(20);
  net::Rng rng(3);
  for (std::uint32_t number = 1; number <= 20; ++number) {
    const Requester requester = requester_of(leecher(number));
    for (std::size_t count : {5u, 19u, 20u, 50u}) {
      const auto peers = sample(swarm, count, requester, rng);
      EXPECT_EQ(peers.size(), std::min<std::size_t>(count, 19));
      for (const ListedPeer& peer : peers) {
        EXPECT_NE(peer.address(), requester.address);
        EXPECT_NE(peer.peer_id(), requester.peer_id);
      }
    }
  }
}

TEST(TrackerSwarm, SampleGivesDistinctListedPeers) {
  const Swarm swarm = swarm_of(300);
  net::Rng rng(4);
  const Requester stranger{ipv4_peer(5000), peer_id(5000)};
  const auto peers = sample(swarm, 200, stranger, rng);
  ASSERT_EQ(peers.size(), 200u);
  std::set<PeerAddress> distinct;
  for (const ListedPeer& peer : peers) {
    distinct.insert(peer.address());
    // Every listed peer is one that announced, with its own peer id.
    const auto index = swarm.table(PeerAddress::Family::ipv4).find_by_address(peer.address());
    ASSERT_TRUE(index);
    EXPECT_EQ(swarm.table(PeerAddress::Family::ipv4).at(*index).peer_id, peer.peer_id());
  }
  EXPECT_EQ(distinct.size(), 200u);
}

TEST(TrackerSwarm, SampleIsDeterministicGivenTheGenerator) {
  const Swarm swarm = swarm_of(100);
  const Requester stranger{ipv4_peer(5000), peer_id(5000)};
  net::Rng first(11);
  net::Rng second(11);
  net::Rng other(12);
  const auto a = sample(swarm, 10, stranger, first);
  EXPECT_EQ(a, sample(swarm, 10, stranger, second));
  EXPECT_NE(a, sample(swarm, 10, stranger, other));
}

TEST(TrackerSwarm, SampleIsRoughlyUniform) {
  // 2,000 samples of 10 out of 100 peers: each peer is expected 200 times. With this seed the
  // counts are fixed; the bounds are wide enough for any fair sampler (about 5 deviations).
  const Swarm swarm = swarm_of(100);
  const Requester stranger{ipv4_peer(5000), peer_id(5000)};
  net::Rng rng(5);
  std::map<PeerAddress, int> times;
  for (int round = 0; round < 2000; ++round) {
    for (const ListedPeer& peer : sample(swarm, 10, stranger, rng))
      ++times[peer.address()];
  }
  ASSERT_EQ(times.size(), 100u);
  for (const auto& [address, count] : times) {
    EXPECT_GT(count, 130) << address.to_string();
    EXPECT_LT(count, 270) << address.to_string();
  }
}

TEST(TrackerSwarm, StoppedPeerIsRemovedAndNeverReturned) {
  Swarm swarm = swarm_of(10);
  EXPECT_EQ(swarm.update(leecher(4, AnnounceEvent::stopped), at(1s), true), SwarmUpdate::removed);
  EXPECT_EQ(swarm.update(leecher(4, AnnounceEvent::stopped), at(1s), true), SwarmUpdate::absent);
  EXPECT_EQ(swarm.counts().leechers, 9u);
  net::Rng rng(6);
  for (int round = 0; round < 20; ++round) {
    for (const ListedPeer& peer : sample(swarm, 9, requester_of(leecher(1)), rng)) {
      EXPECT_NE(peer.address(), ipv4_peer(4));
    }
  }
}

TEST(TrackerSwarm, ExpiredPeersAreSkippedThenSwept) {
  Swarm swarm(1, at(0s));
  swarm.update(leecher(1), at(0s), true);
  swarm.update(leecher(2), at(0s), true);
  swarm.update(leecher(3), at(50s), true);
  net::Rng rng(7);
  // At 100 s with a 90 s timeout, peers last seen before 10 s are expired.
  const auto peers = sample(swarm, 10, requester_of(leecher(9)), rng, at(10s));
  ASSERT_EQ(peers.size(), 1u);
  EXPECT_EQ(peers[0].address(), ipv4_peer(3));
  EXPECT_EQ(swarm.expire(at(10s)), 2u);
  EXPECT_EQ(swarm.counts().leechers, 1u);
  // A peer that announces again is live again.
  swarm.update(leecher(1), at(100s), true);
  EXPECT_EQ(sample(swarm, 10, requester_of(leecher(9)), rng, at(10s)).size(), 2u);
}

TEST(TrackerSwarm, RestartOnTheSameAddressReplacesThePeer) {
  Swarm swarm = swarm_of(3);
  PeerAnnounce restarted = leecher(2);
  restarted.peer_id = peer_id(77);
  EXPECT_EQ(swarm.update(restarted, at(1s), true), SwarmUpdate::refreshed);
  EXPECT_EQ(swarm.peer_count(), 3u);
  // The restarted client never gets its own address back under its old id.
  net::Rng rng(8);
  for (const ListedPeer& peer : sample(swarm, 10, requester_of(restarted), rng)) {
    EXPECT_NE(peer.address(), ipv4_peer(2));
  }
}

TEST(TrackerSwarm, AddressChangeNeedsTheSameKey) {
  Swarm swarm(1, at(0s));
  PeerAnnounce first = leecher(1);
  first.key = 1234;
  swarm.update(first, at(0s), true);

  PeerAnnounce impostor = first;
  impostor.address = ipv4_peer(66);
  impostor.key = 999;
  EXPECT_EQ(swarm.update(impostor, at(1s), true), SwarmUpdate::peer_id_taken);
  impostor.key.reset();
  EXPECT_EQ(swarm.update(impostor, at(1s), true), SwarmUpdate::peer_id_taken);
  // An impostor cannot stop the peer either.
  impostor.event = AnnounceEvent::stopped;
  EXPECT_EQ(swarm.update(impostor, at(1s), true), SwarmUpdate::absent);
  EXPECT_EQ(swarm.peer_count(), 1u);

  PeerAnnounce moved = first;
  moved.address = ipv4_peer(2);
  EXPECT_EQ(swarm.update(moved, at(2s), true), SwarmUpdate::refreshed);
  const PeerTable& table = swarm.table(PeerAddress::Family::ipv4);
  EXPECT_FALSE(table.find_by_address(ipv4_peer(1)));
  EXPECT_TRUE(table.find_by_address(ipv4_peer(2)));
  EXPECT_EQ(swarm.peer_count(), 1u);
}

TEST(TrackerSwarm, FullSwarmServesButDoesNotList) {
  Swarm swarm = swarm_of(2);
  EXPECT_EQ(swarm.update(leecher(3), at(1s), false), SwarmUpdate::swarm_full);
  EXPECT_EQ(swarm.peer_count(), 2u);
  // Known peers still refresh when the swarm is full.
  EXPECT_EQ(swarm.update(leecher(1), at(1s), false), SwarmUpdate::refreshed);
}

TEST(TrackerSwarm, FamiliesFollowThePolicy) {
  Swarm swarm(1, at(0s));
  swarm.update(leecher(1), at(0s), true);
  swarm.update(leecher(2), at(0s), true);
  swarm.update(over_ipv6(leecher(3), 3), at(0s), true);
  // The same client over IPv6 is a second entry, but never listed back to itself.
  swarm.update(over_ipv6(leecher(1), 1), at(0s), true);
  EXPECT_EQ(swarm.peer_count(), 4u);

  net::Rng rng(9);
  const Requester one = requester_of(leecher(1));
  const auto udp = sample(swarm, 10, one, rng, long_ago, FamilyPolicy::same_only);
  ASSERT_EQ(udp.size(), 1u);
  EXPECT_EQ(udp[0].address(), ipv4_peer(2));
  const auto http = sample(swarm, 10, one, rng, long_ago, FamilyPolicy::same_then_other);
  ASSERT_EQ(http.size(), 2u);
  EXPECT_EQ(http[0].address(), ipv4_peer(2));  // own family first
  EXPECT_EQ(http[1].address(), ipv6_peer(3));
}

TEST(TrackerSwarmRegistry, BoundsSwarmsAndPeers) {
  SwarmRegistry registry(
      RegistryBounds{.swarm_count_max = 2, .swarm_peer_count_max = 3, .peer_count_total_max = 4},
      1);
  EXPECT_EQ(registry.announce(info_hash(1), leecher(1), at(0s)).update, SwarmUpdate::added);
  EXPECT_EQ(registry.announce(info_hash(2), leecher(1), at(0s)).update, SwarmUpdate::added);
  const RegistryUpdate third = registry.announce(info_hash(3), leecher(1), at(0s));
  EXPECT_EQ(third.update, SwarmUpdate::swarm_full);
  EXPECT_EQ(third.swarm, nullptr);
  EXPECT_EQ(registry.announce(info_hash(1), leecher(2), at(0s)).update, SwarmUpdate::added);
  EXPECT_EQ(registry.announce(info_hash(1), leecher(3), at(0s)).update, SwarmUpdate::added);
  // Per swarm: 3.
  EXPECT_EQ(registry.announce(info_hash(1), leecher(4), at(0s)).update, SwarmUpdate::swarm_full);
  EXPECT_EQ(registry.peer_count(), 4u);
  // Overall: 4.
  EXPECT_EQ(registry.announce(info_hash(2), leecher(5), at(0s)).update, SwarmUpdate::swarm_full);
  EXPECT_EQ(registry.swarm_count(), 2u);
}

TEST(TrackerSwarmRegistry, SweepForgetsExpiredPeersAndEmptySwarms) {
  SwarmRegistry registry(
      RegistryBounds{.swarm_count_max = 10, .swarm_peer_count_max = 10, .peer_count_total_max = 10},
      1);
  registry.announce(info_hash(1), leecher(1), at(0s));
  registry.announce(info_hash(1), seeder(2, AnnounceEvent::completed), at(0s));
  registry.announce(info_hash(2), leecher(3), at(0s));
  registry.announce(info_hash(2), leecher(4), at(50s));
  registry.sweep(at(10s));
  EXPECT_EQ(registry.swarm_count(), 1u);
  EXPECT_EQ(registry.peer_count(), 1u);
  EXPECT_EQ(registry.find(info_hash(1)), nullptr);
  ASSERT_NE(registry.find(info_hash(2)), nullptr);
  EXPECT_EQ(registry.find(info_hash(2))->counts().leechers, 1u);
  // A stop of the last peer leaves an empty swarm until a sweep after it goes quiet.
  registry.announce(info_hash(2), leecher(4, AnnounceEvent::stopped), at(60s));
  EXPECT_EQ(registry.swarm_count(), 1u);
  registry.sweep(at(60s));
  EXPECT_EQ(registry.swarm_count(), 1u);
  registry.sweep(at(61s));
  EXPECT_EQ(registry.swarm_count(), 0u);
  EXPECT_EQ(registry.peer_count(), 0u);
}

}  // namespace
}  // namespace swarmlab::tracker
