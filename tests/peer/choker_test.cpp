#include "actors/peer/choker.hpp"
#include "actors/peer/choker_free_rider.hpp"
#include "actors/peer/choker_seed_fastest_upload.hpp"
#include "actors/peer/choker_seed_round_robin.hpp"
#include "actors/peer/choker_strategic.hpp"
#include "actors/peer/choker_tit_for_tat.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <vector>

namespace swarmlab::peer {
namespace {

using namespace literals;
using namespace std::chrono_literals;

// Long after every test peer connected, so that none counts as new unless a test says so.
constexpr net::TimePoint late = net::time_zero + 1000s;

PeerStats interested(PeerKey::rep key, std::int64_t download_rate = 0) {
  return PeerStats{.peer = PeerKey(key),
                   .peer_interested = true,
                   .download_rate_bytes_per_second = download_rate};
}

std::vector<PeerKey> keys(std::initializer_list<PeerKey::rep> values) {
  std::vector<PeerKey> result;
  for (PeerKey::rep value : values)
    result.push_back(PeerKey(value));
  return result;
}

TEST(TitForTatChoker, UnchokesTheFastestInterestedUploaders) {
  TitForTatChoker choker({.upload_slots = 4, .optimistic_slots = 0});
  std::vector<PeerStats> peers{interested(1, 10), interested(2, 50), interested(3, 30),
                               interested(4, 70), interested(5, 20), interested(6, 60),
                               interested(7, 40)};
  PeerStats not_interested = interested(8, 1000);
  not_interested.peer_interested = false;
  peers.push_back(not_interested);
  net::Rng rng(1);
  const ChokeDecision decision = choker.decide(late, peers, rng);
  EXPECT_EQ(decision.unchoke, keys({2, 4, 6, 7}));
  EXPECT_TRUE(decision.optimistic.empty());
}

TEST(TitForTatChoker, TiesEndOnKeyAndKeepUnchokedPeers) {
  TitForTatChoker choker({.upload_slots = 2, .optimistic_slots = 0});
  std::vector<PeerStats> peers{interested(5), interested(9), interested(3)};
  net::Rng rng(1);
  EXPECT_EQ(choker.decide(late, peers, rng).unchoke, keys({3, 5}));
  // The input order never matters.
  std::reverse(peers.begin(), peers.end());
  EXPECT_EQ(choker.decide(late, peers, rng).unchoke, keys({3, 5}));
  // On equal rates, a peer already unchoked keeps its slot.
  // Reversed, the peers are 3, 9, 5: unchoke 3 and 9.
  peers[0].choked_by_us = false;
  peers[1].choked_by_us = false;
  EXPECT_EQ(choker.decide(late, peers, rng).unchoke, keys({3, 9}));
}

TEST(TitForTatChoker, OptimisticSlotRotatesEveryThirtySeconds) {
  TitForTatChoker choker({.upload_slots = 1, .optimistic_slots = 1});
  std::vector<PeerStats> peers{interested(1, 100), interested(2), interested(3), interested(4),
                               interested(5)};
  net::Rng rng(5);
  const auto first = choker.decide(late, peers, rng);
  ASSERT_EQ(first.optimistic.size(), 1u);
  EXPECT_NE(first.optimistic[0], 1_peer) << "the regular peer never takes the optimistic slot";
  EXPECT_EQ(first.unchoke.size(), 2u);
  EXPECT_EQ(choker.decide(late + 10s, peers, rng).optimistic, first.optimistic);
  EXPECT_EQ(choker.decide(late + 20s, peers, rng).optimistic, first.optimistic);
  const auto rotated = choker.decide(late + 30s, peers, rng);
  ASSERT_EQ(rotated.optimistic.size(), 1u);
  EXPECT_NE(rotated.optimistic, first.optimistic);
  EXPECT_NE(rotated.optimistic[0], 1_peer);
}

// The share of rotations in which the one new peer gets the optimistic slot, over many rotations.
double new_peer_share(int new_peer_weight) {
  TitForTatChoker choker(
      {.upload_slots = 1, .optimistic_slots = 1, .new_peer_optimistic_weight = new_peer_weight});
  std::vector<PeerStats> peers{interested(100, 1000)};
  for (PeerKey::rep key = 1; key <= 10; ++key)
    peers.push_back(interested(key));
  net::Rng rng(2024);
  constexpr int rounds = 3000;
  int new_peer_rounds = 0;
  for (int round = 0; round < rounds; ++round) {
    const net::TimePoint now = late + round * 30s;
    // Peer 10 stays new (connected 10 s ago); the others connected long ago.
    peers.back().connected_at = now - 10s;
    const auto decision = choker.decide(now, peers, rng);
    EXPECT_EQ(decision.optimistic.size(), 1u);
    new_peer_rounds += decision.optimistic == keys({10}) ? 1 : 0;
  }
  return static_cast<double>(new_peer_rounds) / rounds;
}

TEST(TitForTatChoker, NewPeersAreThreeTimesAsLikelyOptimistic) {
  // The holder never keeps the slot two periods in a row. With weight w for the new peer and 9 old
  // peers, the new peer's long-run share s solves s = (1 - s) * w / (w + 8):
  // w = 3 gives 3/14 (0.214); w = 1 gives 1/10.
  const double biased = new_peer_share(3);
  EXPECT_GT(biased, 0.18);
  EXPECT_LT(biased, 0.25);
  const double unbiased = new_peer_share(1);
  EXPECT_GT(unbiased, 0.07);
  EXPECT_LT(unbiased, 0.13);
}

TEST(TitForTatChoker, SnubbingPeersLoseRegularSlotsToOptimisticOnes) {
  TitForTatChoker choker({.upload_slots = 4, .optimistic_slots = 1});
  PeerStats fast_snubber = interested(1, 100);
  fast_snubber.we_are_interested = true;
  fast_snubber.last_block_received_at = late - 70s;
  PeerStats silent_snubber = interested(5, 0);
  silent_snubber.we_are_interested = true;
  const std::vector<PeerStats> peers{fast_snubber, interested(2, 50), interested(3, 40),
                                     interested(4, 0), silent_snubber};
  net::Rng rng(1);
  const ChokeDecision decision = choker.decide(late, peers, rng);
  // Regular: 2, 3, 4. The free regular slot becomes a second optimistic slot, and the snubbers
  // are the only peers left to take the two.
  EXPECT_EQ(decision.optimistic, keys({1, 5}));
  EXPECT_EQ(decision.unchoke, keys({1, 2, 3, 4, 5}));
}

TEST(Choker, SnubbingNeedsSixtySecondsOfSilenceWhileInterested) {
  PeerStats peer = interested(1);
  EXPECT_FALSE(is_snubbing(peer, late, 60s)) << "we are not interested";
  peer.we_are_interested = true;
  peer.we_interested_since = late - 30s;
  EXPECT_FALSE(is_snubbing(peer, late, 60s)) << "interested for 30 s only";
  peer.we_interested_since = late - 61s;
  EXPECT_TRUE(is_snubbing(peer, late, 60s));
  peer.last_block_received_at = late - 5s;
  EXPECT_FALSE(is_snubbing(peer, late, 60s));
}

// Plays the connection's part: applies a decision to the peers' choke state.
void apply(std::vector<PeerStats>& peers, const ChokeDecision& decision, net::TimePoint now) {
  for (PeerStats& peer : peers) {
    const bool unchoke =
        std::binary_search(decision.unchoke.begin(), decision.unchoke.end(), peer.peer);
    if (unchoke == !peer.choked_by_us) continue;
    peer.choked_by_us = !unchoke;
    peer.choke_changed_at = now;
    peer.uploaded_since_unchoke = 0_bytes;
  }
}

TEST(RoundRobinSeedChoker, EveryPeerGetsTurns) {
  RoundRobinSeedChoker choker({.upload_slots = 2});
  std::vector<PeerStats> peers;
  for (PeerKey::rep key = 1; key <= 6; ++key)
    peers.push_back(interested(key));
  std::map<PeerKey, int> rounds_unchoked;
  std::vector<std::vector<PeerKey>> history;
  net::Rng rng(1);
  for (int round = 0; round < 12; ++round) {
    const net::TimePoint now = net::time_zero + round * 10s;
    const ChokeDecision decision = choker.decide(now, peers, rng);
    EXPECT_EQ(decision.unchoke.size(), 2u);
    for (PeerKey key : decision.unchoke)
      ++rounds_unchoked[key];
    history.push_back(decision.unchoke);
    apply(peers, decision, now);
  }
  // Turns last 30 s (three rounds), then the longest-waiting peers take over.
  EXPECT_EQ(history[0], keys({1, 2}));
  EXPECT_EQ(history[2], keys({1, 2}));
  EXPECT_EQ(history[3], keys({3, 4}));
  EXPECT_EQ(history[6], keys({5, 6}));
  EXPECT_EQ(history[9], keys({1, 2}));
  for (PeerKey::rep key = 1; key <= 6; ++key)
    EXPECT_GE(rounds_unchoked[PeerKey(key)], 3);
}

TEST(RoundRobinSeedChoker, QuotaEndsATurnEarly) {
  RoundRobinSeedChoker choker({.upload_slots = 1, .seed_turn_quota = 1_MiB});
  std::vector<PeerStats> peers{interested(1), interested(2)};
  peers[0].choked_by_us = false;
  peers[0].uploaded_since_unchoke = 512_KiB;
  net::Rng rng(1);
  EXPECT_EQ(choker.decide(net::time_zero + 10s, peers, rng).unchoke, keys({1}));
  peers[0].uploaded_since_unchoke = 1_MiB;
  EXPECT_EQ(choker.decide(net::time_zero + 20s, peers, rng).unchoke, keys({2}));
}

TEST(FastestUploadSeedChoker, UnchokesTheFastestDownloadersPlusOptimistic) {
  FastestUploadSeedChoker choker({.upload_slots = 2, .optimistic_slots = 1});
  std::vector<PeerStats> peers;
  for (PeerKey::rep key = 1; key <= 5; ++key) {
    PeerStats peer = interested(key);
    peer.upload_rate_bytes_per_second = key * 1000;
    peers.push_back(peer);
  }
  net::Rng rng(1);
  const ChokeDecision decision = choker.decide(late, peers, rng);
  ASSERT_EQ(decision.optimistic.size(), 1u);
  EXPECT_LE(decision.optimistic[0], 3_peer);
  EXPECT_EQ(decision.unchoke.size(), 3u);
  EXPECT_TRUE(std::binary_search(decision.unchoke.begin(), decision.unchoke.end(), 5_peer));
  EXPECT_TRUE(std::binary_search(decision.unchoke.begin(), decision.unchoke.end(), 4_peer));
}

TEST(FreeRiderChoker, UnchokesNobody) {
  FreeRiderChoker choker;
  const std::vector<PeerStats> peers{interested(1, 1000), interested(2, 500)};
  net::Rng rng(1);
  for (int round = 0; round < 5; ++round) {
    EXPECT_TRUE(choker.decide(late + round * 10s, peers, rng).unchoke.empty());
  }
}

PeerStats reciprocating(PeerKey::rep key, std::int64_t download_rate) {
  PeerStats peer = interested(key, download_rate);
  peer.chokes_us = false;
  return peer;
}

TEST(StrategicChoker, PrefersHighReturnPerByteWithinCapacity) {
  // Unknown announce rates: every u starts at the minimum (1 KiB/s); d is the measured rate of the
  // peers that unchoke us. Capacity for two peers' worth of u.
  StrategicChoker choker({.upload_capacity_bytes_per_second = 2048});
  const std::vector<PeerStats> peers{reciprocating(1, 10'000), reciprocating(2, 40'000),
                                     reciprocating(3, 20'000), interested(4, 0)};
  net::Rng rng(1);
  EXPECT_EQ(choker.decide(late, peers, rng).unchoke, keys({2, 3}));
}

TEST(StrategicChoker, CheaperReciprocationWinsOverFasterPeer) {
  StrategicChoker choker({.upload_capacity_bytes_per_second = 10'000});
  // Equal-split guesses from announce rates: peer 1 gives 4000 for 4000 (ratio 1); peer 2 gives
  // 5000 (measured) for the minimum 1024 (ratio about 5).
  PeerStats expensive = interested(1);
  expensive.announce_rate_bytes_per_second = 4000 * StrategicChoker::assumed_peer_slots;
  PeerStats cheap = interested(2);
  cheap.announce_rate_bytes_per_second = 100 * StrategicChoker::assumed_peer_slots;
  cheap.chokes_us = false;
  cheap.download_rate_bytes_per_second = 5000;
  net::Rng rng(1);
  const auto decision = choker.decide(late, std::vector<PeerStats>{expensive, cheap}, rng);
  EXPECT_EQ(decision.unchoke, keys({1, 2}));
  EXPECT_EQ(choker.estimate(2_peer)->upload_bytes_per_second, 1024);
  EXPECT_EQ(choker.estimate(1_peer)->upload_bytes_per_second, 4000);
  // With room for one only, the cheap one goes first.
  StrategicChoker tight({.upload_capacity_bytes_per_second = 1024});
  EXPECT_EQ(tight.decide(late, std::vector<PeerStats>{expensive, cheap}, rng).unchoke, keys({2}));
}

TEST(StrategicChoker, AdjustsUploadEstimateByReciprocation) {
  StrategicChoker choker({.upload_capacity_bytes_per_second = 1'000'000});
  // Peer 1 announces enough for an equal-split guess of 2000 B/s and unchokes us every round.
  PeerStats generous = reciprocating(1, 5000);
  generous.announce_rate_bytes_per_second = 2000 * StrategicChoker::assumed_peer_slots;
  const std::vector<PeerStats> peers{generous, interested(2, 0)};
  net::Rng rng(1);
  for (int round = 0; round < 4; ++round) {
    EXPECT_EQ(choker.decide(late + round * 10s, peers, rng).unchoke, keys({1, 2}));
  }
  // Peer 2 never reciprocated in rounds 2-4: 1024 grows by 20% three times (integer steps).
  EXPECT_EQ(choker.estimate(2_peer)->upload_bytes_per_second, 1024 + 204 + 245 + 294);
  // Peer 1 reciprocated three rounds in a row: one 10% cut.
  EXPECT_EQ(choker.estimate(1_peer)->upload_bytes_per_second, 1800);
  EXPECT_EQ(choker.estimate(1_peer)->download_bytes_per_second, 5000);
}

TEST(Choker, FactoryBuildsEveryKind) {
  const ChokerOptions options{.upload_capacity_bytes_per_second = 100'000};
  EXPECT_EQ(make_choker(ChokerKind::tit_for_tat, options)->name(), "tit-for-tat");
  EXPECT_EQ(make_choker(ChokerKind::seed_round_robin, options)->name(), "seed-round-robin");
  EXPECT_EQ(make_choker(ChokerKind::seed_fastest_upload, options)->name(), "seed-fastest-upload");
  EXPECT_EQ(make_choker(ChokerKind::free_rider, options)->name(), "free-rider");
  EXPECT_EQ(make_choker(ChokerKind::strategic, options)->name(), "strategic");
}

}  // namespace
}  // namespace swarmlab::peer
