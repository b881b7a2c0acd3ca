// Peer exchange in a simulated swarm: leechers that were told only the seed's address learn each
// other's addresses from the seed's ut_pex messages and connect to each other; without ut_pex they
// never do.
#include "actors/peer/endpoint_conversion.hpp"
#include "actors/peer/peer.hpp"
#include "actors/peer/pex.hpp"
#include "actors/peer/storage/inline_disk_io.hpp"
#include "actors/peer/storage/payload.hpp"
#include "actors/peer/storage/phantom_storage.hpp"
#include "sim/world.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace swarmlab::peer_test {
namespace {

using namespace std::chrono_literals;
namespace storage = peer::storage;

constexpr std::uint16_t listen_port = 6881;
constexpr std::size_t leecher_count = 5;
// Two PEX rounds, and far from enough for anyone to complete through the seed's slow uplink.
constexpr net::Duration run_duration = 150s;

sim::HostConfig host_config(std::uint64_t upload_bytes_per_second) {
  sim::HostConfig config;
  config.link.download_bytes_per_second = 2'000'000;
  config.link.upload_bytes_per_second = upload_bytes_per_second;
  config.link.latency = 20ms;
  return config;
}

class PexSwarm {
 public:
  explicit PexSwarm(bool with_pex) {
    storage::StorageLayout layout =
        storage::make_single_file_layout("pex.bin", 64 * 1024, 16 * 1024 * 1024);
    layout.piece_hashes = storage::content_piece_hashes(layout, storage::Payload::from_seed(3, 0));
    layout_ = std::make_shared<const storage::StorageLayout>(std::move(layout));
    sim::WorldConfig config;
    config.seed = 3;
    world_ = std::make_unique<sim::World>(config);
    add_peer(with_pex, storage::PhantomStart::complete, 50'000);
    const protocol::PeerAddress seed =
        peer::to_peer_address({peers_.front()->host().addresses().front(), listen_port});
    for (std::size_t index = 0; index < leecher_count; ++index) {
      add_peer(with_pex, storage::PhantomStart::empty, 500'000);
      torrents_.back()->add_peers(std::span(&seed, 1));
    }
    world_->run_for(run_duration);
  }
  ~PexSwarm() { world_.reset(); }

  peer::Torrent& leecher(std::size_t index) { return *torrents_.at(index + 1); }
  std::uint64_t learned_by(std::size_t index) const {
    return pex_.empty() ? 0 : pex_.at(index + 1)->peers_learned();
  }

 private:
  void add_peer(bool with_pex, storage::PhantomStart start, std::uint64_t upload_bytes_per_second) {
    sim::Host& host = world_->add_host(host_config(upload_bytes_per_second));
    peers_.push_back(
        std::make_unique<peer::Peer>(host, peer::PeerConfig{.listen_port = listen_port}));
    peer::Torrent& torrent = peers_.back()->add_torrent(
        {.info_hash = protocol::sha1(std::string_view("pex swarm")),
         .disk = std::make_unique<storage::InlineDiskIo>(
             std::make_unique<storage::PhantomStorage>(layout_, start)),
         .config = {.existing_data = start == storage::PhantomStart::complete
                                         ? peer::ExistingData::trust_complete
                                         : peer::ExistingData::none}});
    if (with_pex) {
      auto pex = std::make_unique<peer::PexExtension>(torrent, host);
      pex_.push_back(pex.get());
      torrent.extensions().add(std::move(pex));
    }
    torrents_.push_back(&torrent);
    EXPECT_TRUE(peers_.back()->start());
  }

  std::shared_ptr<const storage::StorageLayout> layout_;
  // Peers outlive the world's tasks: the world goes first.
  std::vector<std::unique_ptr<peer::Peer>> peers_;
  std::vector<peer::Torrent*> torrents_;
  std::vector<peer::PexExtension*> pex_;
  std::unique_ptr<sim::World> world_;
};

TEST(PexSim, LeechersThatKnowOnlyTheSeedFindEachOther) {
  PexSwarm swarm(/*with_pex=*/true);
  for (std::size_t index = 0; index < leecher_count; ++index) {
    peer::Torrent& torrent = swarm.leecher(index);
    EXPECT_FALSE(torrent.is_complete()) << "leecher " << index;
    // The seed and every other leecher.
    EXPECT_EQ(torrent.peer_book().size(), leecher_count) << "leecher " << index;
    EXPECT_GE(swarm.learned_by(index), leecher_count - 1) << "leecher " << index;
    EXPECT_GT(torrent.connection_count(), 1u) << "leecher " << index;
  }
}

TEST(PexSim, WithoutPexLeechersKnowOnlyTheSeed) {
  PexSwarm swarm(/*with_pex=*/false);
  for (std::size_t index = 0; index < leecher_count; ++index) {
    EXPECT_EQ(swarm.leecher(index).peer_book().size(), 1u) << "leecher " << index;
    EXPECT_EQ(swarm.leecher(index).connection_count(), 1u) << "leecher " << index;
  }
}

}  // namespace
}  // namespace swarmlab::peer_test
