// Torrent policies in small simulated swarms, where time is exact: upload and download rate
// limits, connection limits, the seeding policies (for a time, up to a ratio), and free riders.
#include "tests/peer_swarm/sim_swarm.hpp"

#include <gtest/gtest.h>

namespace swarmlab::peer_test {
namespace {

using namespace std::chrono_literals;

constexpr std::uint64_t torrent_size_bytes = 1024 * 1024;
constexpr net::Duration completion_limit = 10min;

double completion_seconds(const SimSwarm& swarm, record::ActorId actor) {
  const auto found = swarm.observer().completed.find(actor);
  EXPECT_NE(found, swarm.observer().completed.end());
  if (found == swarm.observer().completed.end()) return 0;
  return net::to_seconds(found->second.time_since_epoch());
}

TEST(SimPolicy, UploadRateLimitPacesTheSeed) {
  constexpr std::int64_t limit = 100'000;
  SimSwarm swarm({.seed = 3,
                  .leecher_count = 1,
                  .torrent_size_bytes = torrent_size_bytes,
                  .join_window = 0s,
                  .configure = [](std::size_t peer, peer::TorrentConfig& config) {
                    if (peer == 0) config.upload_rate_limit_bytes_per_second = limit;
                  }});
  ASSERT_TRUE(swarm.run_until_complete(completion_limit));
  // The seed's link (1 MB/s up) and the leecher's (250 kB/s down) are both faster than the limit:
  // the time is the limit's, less the bucket's initial burst.
  const double expected = static_cast<double>(torrent_size_bytes) / limit;
  EXPECT_GT(completion_seconds(swarm, 1), expected * 0.9);
  EXPECT_LT(completion_seconds(swarm, 1), expected * 1.25);
}

// One leecher under an 80 kB/s download limit, its link and the seed's faster: the time is the
// limit's, less the bucket's initial burst.
void expect_download_limit_paces_the_leecher(std::size_t receive_buffer_bytes) {
  constexpr std::int64_t limit = 80'000;
  SimSwarm swarm({.seed = 4,
                  .leecher_count = 1,
                  .torrent_size_bytes = torrent_size_bytes,
                  .join_window = 0s,
                  .leecher_receive_buffer_bytes = receive_buffer_bytes,
                  .configure = [](std::size_t peer, peer::TorrentConfig& config) {
                    if (peer == 1) config.download_rate_limit_bytes_per_second = limit;
                  }});
  ASSERT_TRUE(swarm.run_until_complete(completion_limit));
  const double expected = static_cast<double>(torrent_size_bytes) / limit;
  EXPECT_GT(completion_seconds(swarm, 1), expected * 0.9);
  EXPECT_LT(completion_seconds(swarm, 1), expected * 1.25);
}

TEST(SimPolicy, DownloadRateLimitPacesTheLeecher) {
  expect_download_limit_paces_the_leecher(peer::limits::receive_buffer_bytes_small);
}

// With a large receive buffer one read brings several blocks, each taken from the bucket in
// turn; the wait is the one the last leaves, not the sum of them all (which paced a download
// limit to a third of itself on real sockets), and a read takes no more than the bucket holds.
TEST(SimPolicy, DownloadRateLimitHoldsWhenOneReadBringsSeveralBlocks) {
  expect_download_limit_paces_the_leecher(256 * 1024);
}

// Free riders upload nothing at all: no unchoke, and no BEP 6 allowed-fast pieces either, which
// their peers could fetch while choked. They still complete, from what others give.
TEST(SimPolicy, FreeRidersUploadNothing) {
  constexpr std::size_t free_riders = 4;
  SimSwarm swarm({.seed = 8,
                  .leecher_count = 12,
                  .torrent_size_bytes = torrent_size_bytes,
                  .configure = [](std::size_t peer, peer::TorrentConfig& config) {
                    if (peer >= 1 && peer <= free_riders) {
                      config.leech_choker = peer::ChokerKind::free_rider;
                      config.seed_choker = peer::ChokerKind::free_rider;
                    }
                  }});
  ASSERT_TRUE(swarm.run_until_complete(completion_limit));
  std::uint64_t contributed_bytes = 0;
  for (std::size_t index = 0; index < 12; ++index) {
    const std::uint64_t uploaded = swarm.leecher_torrent(index).counters().payload_uploaded_bytes;
    if (index < free_riders) {
      EXPECT_EQ(uploaded, 0u) << "free rider " << index;
    } else {
      contributed_bytes += uploaded;
    }
  }
  EXPECT_GT(contributed_bytes, 0u);
}

TEST(SimPolicy, ConnectionLimitsHoldAndTheSwarmStillCompletes) {
  constexpr std::int32_t seed_connections_max = 4;
  constexpr std::int32_t half_open_max = 2;
  SimSwarm swarm({.seed = 5,
                  .leecher_count = 20,
                  .torrent_size_bytes = torrent_size_bytes,
                  .join_window = 2s,
                  .configure = [](std::size_t peer, peer::TorrentConfig& config) {
                    config.half_open_max = half_open_max;
                    if (peer == 0) config.connections_max = seed_connections_max;
                  }});
  std::size_t most_seed_connections = 0;
  std::int32_t most_half_open = 0;
  // Sample every 100 ms of simulated time while the swarm works.
  for (int step = 0; step < 6000 && swarm.completed_honest_leechers() < 20; ++step) {
    swarm.world().run_for(100ms);
    most_seed_connections =
        std::max(most_seed_connections, swarm.seed_torrent().connection_count());
    for (std::size_t index = 0; index < 20; ++index) {
      most_half_open = std::max(most_half_open, swarm.leecher_torrent(index).half_open_count());
    }
  }
  EXPECT_EQ(swarm.completed_honest_leechers(), 20u);
  EXPECT_LE(most_seed_connections, static_cast<std::size_t>(seed_connections_max));
  EXPECT_EQ(most_seed_connections, static_cast<std::size_t>(seed_connections_max));
  EXPECT_LE(most_half_open, half_open_max);
  EXPECT_GE(most_half_open, 1);
}

TEST(SimPolicy, SeedingForADurationFinishes) {
  constexpr net::Duration seeding_time = 30s;
  SimSwarm swarm({.seed = 6,
                  .leecher_count = 5,
                  .torrent_size_bytes = torrent_size_bytes,
                  .configure = [&](std::size_t peer, peer::TorrentConfig& config) {
                    if (peer != 0) {
                      config.seeding = {.kind = peer::SeedingPolicy::Kind::duration,
                                        .duration = seeding_time};
                    }
                  }});
  ASSERT_TRUE(swarm.run_until_complete(completion_limit));
  // Still seeding right after completing...
  for (std::size_t index = 0; index < 5; ++index) {
    EXPECT_NE(swarm.leecher_torrent(index).state(), peer::TorrentState::finished) << index;
  }
  // ...and finished once the time is up: to the second, not at the next 10 s choke round.
  swarm.world().run_for(seeding_time + 1s);
  for (std::size_t index = 0; index < 5; ++index) {
    EXPECT_EQ(swarm.leecher_torrent(index).state(), peer::TorrentState::finished) << index;
    EXPECT_EQ(swarm.leecher_torrent(index).connection_count(), 0u) << index;
  }
  EXPECT_EQ(swarm.seed_torrent().state(), peer::TorrentState::seeding);
}

TEST(SimPolicy, SeedingUpToARatioFinishes) {
  constexpr std::int64_t ratio_permille = 1500;
  SimSwarm swarm({.seed = 7,
                  .leecher_count = 6,
                  .torrent_size_bytes = torrent_size_bytes,
                  .configure = [](std::size_t peer, peer::TorrentConfig& config) {
                    if (peer == 0) {
                      config.seeding = {.kind = peer::SeedingPolicy::Kind::ratio,
                                        .ratio_permille = ratio_permille};
                    }
                  }});
  ASSERT_TRUE(swarm.run_until_complete(completion_limit));
  swarm.world().run_for(peer::limits::choke_interval + 1s);
  peer::Torrent& seed = swarm.seed_torrent();
  EXPECT_EQ(seed.state(), peer::TorrentState::finished);
  EXPECT_GE(seed.counters().payload_uploaded_bytes * 1000, ratio_permille * torrent_size_bytes);
}

}  // namespace
}  // namespace swarmlab::peer_test
