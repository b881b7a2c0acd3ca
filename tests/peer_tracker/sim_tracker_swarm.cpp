#include "tests/peer_tracker/sim_tracker_swarm.hpp"

#include "actors/peer/storage/inline_disk_io.hpp"
#include "actors/peer/storage/memory_storage.hpp"

#include <cassert>

namespace swarmlab::peer_tracker_test {

namespace storage = peer::storage;
using namespace std::chrono_literals;

namespace {

sim::HostConfig peer_host_config(std::size_t index) {
  sim::HostConfig config;
  config.link.download_bytes_per_second = 1'000'000 + 250'000 * (index % 3);
  config.link.upload_bytes_per_second = 400'000;
  config.link.latency = 10ms + 5ms * static_cast<std::int64_t>(index % 4);
  return config;
}

std::string tracker_url(TrackerProtocol protocol, const net::Address& address) {
  const std::string authority =
      address.to_string() + ":" + std::to_string(SimTrackerSwarm::tracker_port);
  return protocol == TrackerProtocol::http ? "http://" + authority + "/announce"
                                           : "udp://" + authority;
}

}  // namespace

SimTrackerSwarm::SimTrackerSwarm(const TrackerSwarmOptions& options)
    : options_(options), payload_(storage::Payload::from_seed(options.seed, 0)) {
  storage::StorageLayout layout = storage::make_single_file_layout(
      "tracked.bin", options.piece_length_bytes, options.torrent_size_bytes);
  layout.piece_hashes = storage::content_piece_hashes(layout, payload_);
  layout_ = std::make_shared<const storage::StorageLayout>(std::move(layout));
  info_hash_ = protocol::sha1(std::string_view("tracked swarm"));
  sim::WorldConfig world_config;
  world_config.seed = options.seed;
  world_ = std::make_unique<sim::World>(world_config);

  sim::HostConfig tracker_host_config;
  tracker_host_config.link.latency = 5ms;
  sim::Host& tracker_host = world_->add_host(tracker_host_config);
  tracker::TrackerConfig config;
  config.http_port = tracker_port;
  config.udp_port = tracker_port;
  config.interval = options.interval;
  config.min_interval = options.min_interval;
  config.actor_id = 1000;
  auto server = tracker::TrackerServer::open(tracker_host, config, &recorder_);
  assert(server);
  tracker_ = std::move(*server);
  tracker_host.spawn(tracker_->run());
  tracker_host_ = &tracker_host;
  live_url_ = tracker_url(options.protocol, tracker_host.addresses().front());

  // A tracker host that is down: connects time out, datagrams are lost.
  sim::Host& dead_host = world_->add_host();
  dead_url_ = tracker_url(options.protocol, dead_host.addresses().front());
  world_->crash(dead_host.id());
  switch (options.dead_tracker) {
    case DeadTracker::none:
      tiers_ = {{live_url_}};
      break;
    case DeadTracker::first_tier:
      tiers_ = {{dead_url_}, {live_url_}};
      break;
    case DeadTracker::same_tier:
      tiers_ = {{dead_url_, live_url_}};
      break;
  }

  add_peer(/*seed=*/true);
  for (std::size_t index = 0; index < options.leecher_count; ++index)
    add_peer(/*seed=*/false);
}

SimTrackerSwarm::~SimTrackerSwarm() {
  world_.reset();
}

void SimTrackerSwarm::add_peer(bool seed) {
  const std::size_t index = peers_.size();
  sim::Host& host = world_->add_host(peer_host_config(index));
  auto memory = std::make_unique<storage::MemoryStorage>(layout_);
  if (seed) {
    const auto written = storage::write_content(*memory, payload_);
    assert(written);
  }
  peers_.push_back(std::make_unique<peer::Peer>(
      host, peer::PeerConfig{.listen_port = listen_port,
                             .observer = &recorder_,
                             .actor_id = static_cast<record::ActorId>(index),
                             .receive_buffer_bytes = peer::limits::receive_buffer_bytes_small}));
  torrents_.push_back(&peers_.back()->add_torrent(
      {.info_hash = info_hash_,
       .disk = std::make_unique<storage::InlineDiskIo>(std::move(memory)),
       .config = {.existing_data =
                      seed ? peer::ExistingData::trust_complete : peer::ExistingData::none}}));
  clients_.push_back(
      std::make_unique<peer::TrackerClient>(*torrents_.back(), tiers_, options_.client));
  // Peers join one after another, 2 s apart, so that the early ones learn of the late ones only
  // through their regular announces or incoming connections.
  world_->at(net::time_zero + 2s * static_cast<std::int64_t>(index), [this, index] {
    const auto started = peers_.at(index)->start();
    assert(started);
    clients_.at(index)->start();
  });
}

tracker::SwarmCounts SimTrackerSwarm::tracker_counts() const {
  const tracker::Swarm* swarm = tracker_->core().registry().find(info_hash_);
  return swarm ? swarm->counts() : tracker::SwarmCounts{};
}

std::size_t SimTrackerSwarm::completed_leechers() const {
  std::size_t completed = 0;
  for (std::size_t index = 1; index < torrents_.size(); ++index)
    completed += torrents_[index]->is_complete() ? 1 : 0;
  return completed;
}

bool SimTrackerSwarm::run_until_complete(net::Duration limit) {
  const net::TimePoint deadline = world_->now() + limit;
  while (world_->now() < deadline) {
    world_->run_until(std::min(deadline, world_->now() + 1s));
    if (completed_leechers() == options_.leecher_count) return true;
  }
  return completed_leechers() == options_.leecher_count;
}

void SimTrackerSwarm::stop_all(net::Duration duration) {
  for (auto& client : clients_)
    client->stop();
  for (auto& peer : peers_)
    peer->stop();
  world_->run_for(duration);
}

}  // namespace swarmlab::peer_tracker_test
