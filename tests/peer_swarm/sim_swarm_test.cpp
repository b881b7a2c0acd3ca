// Simulated swarms: one seed and fifty leechers on mixed links complete in both payload modes; a
// peer that sends corrupt blocks is banned while everyone else completes with correct data; the
// same seed gives the same run.
#include "tests/peer_swarm/sim_swarm.hpp"

#include "actors/peer/close_reason.hpp"
#include "actors/peer/endpoint_conversion.hpp"
#include "actors/peer/storage/memory_storage.hpp"
#include "actors/peer/storage/phantom_storage.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace swarmlab::peer_test {
namespace {

using namespace std::chrono_literals;
namespace storage = peer::storage;

constexpr net::Duration completion_limit = 30min;

std::span<const std::uint8_t> content_of(peer::Torrent& torrent) {
  auto& memory = dynamic_cast<storage::MemoryStorage&>(torrent.disk().storage());
  return memory.content();
}

// No honest leecher holds a piece that a corrupt block reached.
void expect_no_tainted_piece(SimSwarm& swarm, std::size_t index) {
  auto& phantom =
      dynamic_cast<storage::PhantomStorage&>(swarm.leecher_torrent(index).disk().storage());
  for (std::uint32_t piece = 0; piece < swarm.layout().piece_count(); ++piece) {
    EXPECT_FALSE(phantom.is_tainted(piece)) << "leecher " << index << " piece " << piece;
  }
}

void expect_everyone_verified_everything(SimSwarm& swarm) {
  for (std::size_t index = 0; index < swarm.options().leecher_count; ++index) {
    if (!swarm.is_honest_leecher(index)) continue;
    const peer::TorrentStatus status = swarm.leecher_torrent(index).status();
    EXPECT_EQ(status.state, peer::TorrentState::seeding) << "leecher " << index;
    EXPECT_EQ(status.pieces_verified, status.piece_count) << "leecher " << index;
    EXPECT_EQ(status.bytes_left, 0) << "leecher " << index;
  }
}

std::size_t bans_of(const SimSwarm& swarm, const net::Address& address) {
  const protocol::PeerAddress banned = peer::to_peer_address({address, 0});
  return static_cast<std::size_t>(
      std::count_if(swarm.observer().bans.begin(), swarm.observer().bans.end(),
                    [&](const auto& ban) { return ban.second.address == banned.address; }));
}

TEST(SimSwarm, RealPayloadFiftyLeechersCompleteByteForByte) {
  SimSwarm swarm({.seed = 11, .payload = PayloadMode::real});
  ASSERT_TRUE(swarm.run_until_complete(completion_limit))
      << swarm.completed_honest_leechers() << " of 50 completed";
  expect_everyone_verified_everything(swarm);
  const auto seed_content = content_of(swarm.seed_torrent());
  for (std::size_t index = 0; index < 50; ++index) {
    const auto content = content_of(swarm.leecher_torrent(index));
    EXPECT_TRUE(
        std::equal(content.begin(), content.end(), seed_content.begin(), seed_content.end()))
        << "leecher " << index;
  }
  EXPECT_TRUE(swarm.observer().hash_failures.empty());
  EXPECT_EQ(swarm.observer().completed.size(), 50u);
}

TEST(SimSwarm, PhantomPayloadFiftyLeechersComplete) {
  SimSwarm swarm({.seed = 12, .payload = PayloadMode::phantom});
  ASSERT_TRUE(swarm.run_until_complete(completion_limit))
      << swarm.completed_honest_leechers() << " of 50 completed";
  expect_everyone_verified_everything(swarm);
  EXPECT_TRUE(swarm.observer().hash_failures.empty());
  // The seed uploaded at least one copy; the leechers carried the rest between them.
  const auto size = static_cast<std::uint64_t>(swarm.layout().total_size_bytes);
  EXPECT_GE(swarm.seed_torrent().counters().payload_uploaded_bytes, size);
  EXPECT_LT(swarm.seed_torrent().counters().payload_uploaded_bytes, 50 * size);
}

void run_corrupt_peer_swarm(PayloadMode payload, std::uint64_t seed) {
  constexpr std::size_t corrupt = 7;
  SimSwarm swarm({.seed = seed, .payload = payload, .corrupt_leecher = corrupt});
  ASSERT_TRUE(swarm.run_until_complete(completion_limit))
      << swarm.completed_honest_leechers() << " of 49 honest leechers completed";
  expect_everyone_verified_everything(swarm);
  // The liar's blocks were caught and it was banned by the peers it fed.
  EXPECT_FALSE(swarm.observer().hash_failures.empty());
  EXPECT_GE(bans_of(swarm, swarm.leecher_address(corrupt)), 1u);
  // Honest peers are not banned for having shared pieces with it.
  for (std::size_t index = 0; index < 50; ++index) {
    if (index == corrupt) continue;
    EXPECT_EQ(bans_of(swarm, swarm.leecher_address(index)), 0u) << index;
  }
  // No corrupt piece was ever accepted: every honest copy is the seed's (real), or untainted.
  for (std::size_t index = 0; index < 50; ++index) {
    if (index == corrupt) continue;
    if (payload == PayloadMode::real) {
      const auto content = content_of(swarm.leecher_torrent(index));
      const auto seed_content = content_of(swarm.seed_torrent());
      EXPECT_TRUE(
          std::equal(content.begin(), content.end(), seed_content.begin(), seed_content.end()))
          << "leecher " << index;
    } else {
      expect_no_tainted_piece(swarm, index);
    }
  }
}

TEST(SimSwarm, CorruptPeerIsBannedRealPayload) {
  run_corrupt_peer_swarm(PayloadMode::real, 21);
}

TEST(SimSwarm, CorruptPeerIsBannedPhantomPayload) {
  run_corrupt_peer_swarm(PayloadMode::phantom, 22);
}

struct RunSummary {
  std::uint64_t trace_hash = 0;
  std::vector<net::TimePoint> completion_times;
};

RunSummary run_phantom(std::uint64_t seed) {
  SimSwarm swarm({.seed = seed, .leecher_count = 20, .payload = PayloadMode::phantom});
  EXPECT_TRUE(swarm.run_until_complete(completion_limit));
  RunSummary summary;
  for (const auto& [actor, time] : swarm.observer().completed)
    summary.completion_times.push_back(time);
  summary.trace_hash = swarm.world().trace_hash();
  return summary;
}

TEST(SimSwarm, SameSeedGivesTheSameRun) {
  const RunSummary first = run_phantom(31);
  const RunSummary second = run_phantom(31);
  const RunSummary other = run_phantom(32);
  EXPECT_EQ(first.trace_hash, second.trace_hash);
  EXPECT_EQ(first.completion_times, second.completion_times);
  EXPECT_EQ(first.completion_times.size(), 20u);
  EXPECT_NE(first.trace_hash, other.trace_hash);
}

}  // namespace
}  // namespace swarmlab::peer_test
