#include "tests/peer_swarm/sim_swarm.hpp"

#include "actors/peer/endpoint_conversion.hpp"
#include "actors/peer/storage/inline_disk_io.hpp"
#include "actors/peer/storage/memory_storage.hpp"
#include "actors/peer/storage/phantom_storage.hpp"

#include <cassert>

namespace swarmlab::peer_test {

namespace storage = peer::storage;
using namespace std::chrono_literals;

namespace {

struct LinkClass {
  std::uint64_t download_bytes_per_second;
  std::uint64_t upload_bytes_per_second;
  net::Duration latency;
};
// Mixed access links, slow to fast; leecher i gets class i mod 4.
constexpr LinkClass link_classes[] = {{250'000, 60'000, 40ms},
                                      {500'000, 125'000, 25ms},
                                      {1'000'000, 250'000, 15ms},
                                      {2'500'000, 1'000'000, 5ms}};
constexpr LinkClass seed_link{10'000'000, 1'000'000, 10ms};
constexpr std::uint16_t listen_port = 6881;

sim::HostConfig host_config(const LinkClass& link) {
  sim::HostConfig config;
  config.link.download_bytes_per_second = link.download_bytes_per_second;
  config.link.upload_bytes_per_second = link.upload_bytes_per_second;
  config.link.latency = link.latency;
  return config;
}

}  // namespace

SimSwarm::SimSwarm(const SwarmOptions& options)
    : options_(options), payload_(storage::Payload::from_seed(options.seed, 0)) {
  storage::StorageLayout layout = storage::make_single_file_layout(
      "swarm.bin", options.piece_length_bytes, options.torrent_size_bytes);
  layout.piece_hashes = storage::content_piece_hashes(layout, payload_);
  layout_ = std::make_shared<const storage::StorageLayout>(std::move(layout));
  info_hash_ = protocol::sha1(std::string_view("simulated swarm "));
  info_hash_[0] = static_cast<std::uint8_t>(options.seed);
  sim::WorldConfig world_config;
  world_config.seed = options.seed;
  world_ = std::make_unique<sim::World>(world_config);
  add_seed();
  net::Rng rng(options.seed, /*stream=*/0x5eed);
  for (std::size_t index = 0; index < options.leecher_count; ++index)
    add_leecher(index, rng);
}

SimSwarm::~SimSwarm() {
  // The world's teardown unwinds every task while the peers still exist.
  world_.reset();
}

void SimSwarm::add_seed() {
  sim::Host& host = world_->add_host(host_config(seed_link));
  hosts_.push_back(&host);
  std::unique_ptr<storage::Storage> content;
  if (options_.payload == PayloadMode::real) {
    auto memory = std::make_unique<storage::MemoryStorage>(layout_);
    const auto written = storage::write_content(*memory, payload_);
    assert(written);
    content = std::move(memory);
  } else {
    content = std::make_unique<storage::PhantomStorage>(layout_, storage::PhantomStart::complete);
  }
  peers_.push_back(std::make_unique<peer::Peer>(
      host, peer::PeerConfig{.listen_port = listen_port,
                             .observer = &observer_,
                             .actor_id = 0,
                             .receive_buffer_bytes = peer::limits::receive_buffer_bytes_small}));
  peer::TorrentConfig config{.existing_data = peer::ExistingData::trust_complete};
  if (options_.configure) options_.configure(0, config);
  torrents_.push_back(&peers_.back()->add_torrent(
      {.info_hash = info_hash_,
       .disk = std::make_unique<storage::InlineDiskIo>(std::move(content)),
       .config = config}));
  const auto started = peers_.back()->start();
  assert(started);
  joined_.push_back(0);
}

void SimSwarm::add_leecher(std::size_t index, net::Rng& rng) {
  sim::Host& host = world_->add_host(host_config(link_classes[index % std::size(link_classes)]));
  hosts_.push_back(&host);
  std::unique_ptr<storage::Storage> content;
  if (options_.payload == PayloadMode::real) {
    content = std::make_unique<storage::MemoryStorage>(layout_);
  } else {
    content = std::make_unique<storage::PhantomStorage>(layout_, storage::PhantomStart::empty);
  }
  const auto actor = static_cast<record::ActorId>(index + 1);
  peers_.push_back(std::make_unique<peer::Peer>(
      host, peer::PeerConfig{.listen_port = listen_port,
                             .observer = &observer_,
                             .actor_id = actor,
                             .receive_buffer_bytes = options_.leecher_receive_buffer_bytes}));
  peer::TorrentConfig config{.existing_data = peer::ExistingData::none,
                             .send_corrupt_blocks = index == options_.corrupt_leecher};
  if (options_.configure) options_.configure(index + 1, config);
  torrents_.push_back(&peers_.back()->add_torrent(
      {.info_hash = info_hash_,
       .disk = std::make_unique<storage::InlineDiskIo>(std::move(content)),
       .config = config}));
  const auto delay = net::Duration(static_cast<std::int64_t>(
      rng.below(static_cast<std::uint64_t>(options_.join_window.count()) + 1)));
  const std::uint64_t join_seed = rng.next();
  world_->at(net::time_zero + delay, [this, index, join_seed] {
    net::Rng join_rng(join_seed);
    join(index, join_rng);
  });
}

void SimSwarm::join(std::size_t index, net::Rng& rng) {
  peer::Peer& joining = *peers_.at(index + 1);
  const auto started = joining.start();
  assert(started);
  // As a tracker would: the seed, and a random sample of the peers already there.
  std::vector<std::size_t> sample = joined_;
  rng.shuffle(std::span(sample));
  std::vector<protocol::PeerAddress> addresses;
  addresses.push_back(peer::to_peer_address({hosts_.front()->addresses().front(), listen_port}));
  for (std::size_t position = 0;
       position < sample.size() && addresses.size() <= options_.known_peers_max; ++position) {
    if (sample[position] == 0) continue;
    addresses.push_back(
        peer::to_peer_address({hosts_.at(sample[position])->addresses().front(), listen_port}));
  }
  torrents_.at(index + 1)->add_peers(addresses);
  joined_.push_back(index + 1);
}

net::Address SimSwarm::leecher_address(std::size_t index) const {
  return hosts_.at(index + 1)->addresses().front();
}

std::size_t SimSwarm::completed_honest_leechers() {
  std::size_t completed = 0;
  for (std::size_t index = 0; index < options_.leecher_count; ++index) {
    if (is_honest_leecher(index) && leecher_torrent(index).is_complete()) ++completed;
  }
  return completed;
}

bool SimSwarm::run_until_complete(net::Duration limit) {
  const std::size_t honest = options_.leecher_count - (options_.corrupt_leecher ? 1 : 0);
  const net::TimePoint deadline = world_->now() + limit;
  // Runs in slices of simulated time and checks in between; bounded by the deadline.
  while (world_->now() < deadline) {
    world_->run_until(std::min(deadline, world_->now() + 1s));
    if (completed_honest_leechers() == honest) return true;
  }
  return completed_honest_leechers() == honest;
}

}  // namespace swarmlab::peer_test
