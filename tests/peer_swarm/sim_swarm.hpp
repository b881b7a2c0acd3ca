// A simulated swarm for the tests: one seed and N leechers on mixed access links in one
// sim::World, in real or phantom payload mode, optionally with one leecher that sends corrupt
// blocks. Leechers join at seeded random times and learn, as from a tracker, the addresses of some
// peers already there (the seed always among them).
#pragma once

#include "actors/peer/peer.hpp"
#include "actors/peer/storage/payload.hpp"
#include "sim/world.hpp"
#include "tests/peer_swarm/recording_observer.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace swarmlab::peer_test {

enum class PayloadMode { real, phantom };

struct SwarmOptions {
  std::uint64_t seed = 1;
  std::size_t leecher_count = 50;
  PayloadMode payload = PayloadMode::real;
  std::uint32_t piece_length_bytes = 64 * 1024;
  std::uint64_t torrent_size_bytes = 2 * 1024 * 1024 + 12'345;
  // A leecher (by index) that sends corrupt blocks.
  std::optional<std::size_t> corrupt_leecher = std::nullopt;
  net::Duration join_window = std::chrono::seconds(10);
  // Addresses handed to a joining leecher besides the seed's.
  std::size_t known_peers_max = 30;
  // The leechers' receive buffers: small, as big simulated swarms have them, or large, as on real
  // sockets, where one read can bring several blocks.
  std::size_t leecher_receive_buffer_bytes = peer::limits::receive_buffer_bytes_small;
  // Adjusts a torrent's configuration: peer 0 is the seed, peer i + 1 is leecher i.
  std::function<void(std::size_t peer, peer::TorrentConfig&)> configure = {};
};

class SimSwarm {
 public:
  explicit SimSwarm(const SwarmOptions& options);
  SimSwarm(const SimSwarm&) = delete;
  SimSwarm& operator=(const SimSwarm&) = delete;
  ~SimSwarm();

  // Runs until every honest leecher has completed or `limit` of simulated time has passed;
  // returns whether they all completed.
  bool run_until_complete(net::Duration limit);

  sim::World& world() { return *world_; }
  const SwarmOptions& options() const { return options_; }
  peer::Torrent& seed_torrent() { return *torrents_.front(); }
  peer::Torrent& leecher_torrent(std::size_t index) { return *torrents_.at(index + 1); }
  net::Address leecher_address(std::size_t index) const;
  bool is_honest_leecher(std::size_t index) const { return index != options_.corrupt_leecher; }
  std::size_t completed_honest_leechers();
  const RecordingObserver& observer() const { return observer_; }
  const peer::storage::StorageLayout& layout() const { return *layout_; }

 private:
  void add_seed();
  void add_leecher(std::size_t index, net::Rng& rng);
  void join(std::size_t index, net::Rng& rng);

  SwarmOptions options_;
  std::shared_ptr<const peer::storage::StorageLayout> layout_;
  peer::storage::Payload payload_;
  protocol::InfoHash info_hash_{};
  RecordingObserver observer_;
  // Peers and torrents must outlive the world's tasks: the world is destroyed first.
  std::vector<std::unique_ptr<peer::Peer>> peers_;
  std::vector<peer::Torrent*> torrents_;
  std::unique_ptr<sim::World> world_;
  std::vector<sim::Host*> hosts_;
  std::vector<std::size_t> joined_;
};

}  // namespace swarmlab::peer_test
