// A simulated swarm whose peers know nothing but their tracker URLs: a tracker actor on one host,
// a seed and N leechers, each peer with its own TrackerClient. Options add a dead tracker (a
// crashed host) in front of the live one, and choose HTTP or UDP.
#pragma once

#include "actors/peer/peer.hpp"
#include "actors/peer/storage/payload.hpp"
#include "actors/peer/tracker_client.hpp"
#include "actors/tracker/tracker.hpp"
#include "sim/world.hpp"
#include "tests/peer_tracker/announce_recorder.hpp"

#include <memory>
#include <string>
#include <vector>

namespace swarmlab::peer_tracker_test {

enum class TrackerProtocol { http, udp };
// Where the dead tracker goes: nowhere, in a tier of its own before the live one, or in the live
// one's tier.
enum class DeadTracker { none, first_tier, same_tier };

struct TrackerSwarmOptions {
  std::uint64_t seed = 3;
  std::size_t leecher_count = 6;
  TrackerProtocol protocol = TrackerProtocol::http;
  DeadTracker dead_tracker = DeadTracker::none;
  net::Duration interval = std::chrono::seconds(120);
  net::Duration min_interval = std::chrono::seconds(60);
  peer::TrackerClientOptions client{};
  std::uint32_t piece_length_bytes = 32 * 1024;
  std::uint64_t torrent_size_bytes = 512 * 1024 + 777;
};

class SimTrackerSwarm {
 public:
  static constexpr std::uint16_t tracker_port = 6969;
  static constexpr std::uint16_t listen_port = 6881;

  explicit SimTrackerSwarm(const TrackerSwarmOptions& options);
  SimTrackerSwarm(const SimTrackerSwarm&) = delete;
  SimTrackerSwarm& operator=(const SimTrackerSwarm&) = delete;
  ~SimTrackerSwarm();

  // Runs until every leecher completed or `limit` of simulated time passed; whether they did.
  bool run_until_complete(net::Duration limit);
  // Stops every client (and peer) and runs `duration` more.
  void stop_all(net::Duration duration);

  sim::World& world() { return *world_; }
  const AnnounceRecorder& recorder() const { return recorder_; }
  const tracker::TrackerServer& tracker() const { return *tracker_; }
  sim::Host& tracker_host() { return *tracker_host_; }
  // The tracker's counts for the torrent (zero when it knows no peer).
  tracker::SwarmCounts tracker_counts() const;
  peer::TrackerClient& client(std::size_t index) { return *clients_.at(index); }
  peer::Torrent& torrent(std::size_t index) { return *torrents_.at(index); }
  std::size_t peer_count() const { return peers_.size(); }
  const std::string& live_url() const { return live_url_; }
  const std::string& dead_url() const { return dead_url_; }
  std::size_t completed_leechers() const;

 private:
  void add_peer(bool seed);

  TrackerSwarmOptions options_;
  std::shared_ptr<const peer::storage::StorageLayout> layout_;
  peer::storage::Payload payload_;
  protocol::InfoHash info_hash_{};
  AnnounceRecorder recorder_;
  std::string live_url_;
  std::string dead_url_;
  peer::TrackerClient::Tiers tiers_;
  std::unique_ptr<tracker::TrackerServer> tracker_;
  sim::Host* tracker_host_ = nullptr;
  std::vector<std::unique_ptr<peer::Peer>> peers_;
  std::vector<peer::Torrent*> torrents_;
  std::vector<std::unique_ptr<peer::TrackerClient>> clients_;
  // Destroyed first (explicitly), so every task unwinds while what it uses still exists.
  std::unique_ptr<sim::World> world_;
};

}  // namespace swarmlab::peer_tracker_test
