// The simulated flash crowd, phantom payload: one seed and N leechers joining within 10 s, each
// told of up to 50 peers already there (as a tracker would), on access links drawn from
//   down/up kbps 784/128 (20%), 1500/384 (40%), 3000/1000 (25%), 10000/5000 (15%),
// with the seed at 6000 kbps up. Usage: flash_crowd [LEECHERS [SIZE_MIB [PIECE_KIB]]]
// (defaults 1000, 100, 256).
//
// Prints the wall time to full completion (or to the simulated-time limit), the simulated time,
// events per wall second, peak RSS and completions, and the handlers run (coroutine resumptions and
// other completions), stream chunks and timer firings behind the events; the last line is
// `wall_s=<w> sim_s=<s> events_per_wall_s=<e> peak_rss_mb=<m> completed=<c>/<n>`.
// Figures are printed, never asserted.
#include "actors/peer/endpoint_conversion.hpp"
#include "actors/peer/peer.hpp"
#include "actors/peer/storage/inline_disk_io.hpp"
#include "actors/peer/storage/phantom_storage.hpp"
#include "sim/huge_page_heap.hpp"
#include "sim/world.hpp"

#include <fmt/core.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <vector>

namespace {

namespace net = swarmlab::net;
namespace sim = swarmlab::sim;
namespace peer = swarmlab::peer;
namespace storage = swarmlab::peer::storage;
using namespace std::chrono_literals;

constexpr std::uint64_t bench_seed = 2024;
constexpr std::uint16_t port = 6881;
constexpr net::Duration join_window = 10s;
constexpr std::size_t tracker_peers_max = 50;
constexpr net::Duration simulated_time_max = 4h;
constexpr net::Duration progress_interval = 60s;

struct LinkClass {
  std::uint32_t percent;
  std::uint64_t down_kbps;
  std::uint64_t up_kbps;
};
constexpr LinkClass link_classes[] = {
    {20, 784, 128}, {40, 1500, 384}, {25, 3000, 1000}, {15, 10000, 5000}};
constexpr std::uint64_t seed_up_kbps = 6000;

sim::HostConfig link(std::uint64_t down_kbps, std::uint64_t up_kbps, net::Rng& rng) {
  sim::HostConfig config;
  config.link.download_bytes_per_second = down_kbps * 1000 / 8;
  config.link.upload_bytes_per_second = up_kbps * 1000 / 8;
  config.link.latency = net::Duration(std::chrono::milliseconds(rng.between(10, 60)));
  return config;
}

sim::HostConfig leecher_link(net::Rng& rng) {
  const std::uint64_t draw = rng.below(100);
  std::uint64_t bound = 0;
  for (const LinkClass& entry : link_classes) {
    bound += entry.percent;
    if (draw < bound) return link(entry.down_kbps, entry.up_kbps, rng);
  }
  return link(link_classes[0].down_kbps, link_classes[0].up_kbps, rng);
}

long peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

struct Crowd {
  std::vector<std::unique_ptr<peer::Peer>> peers;
  std::vector<peer::Torrent*> torrents;
  std::vector<net::Address> addresses;
  std::vector<std::size_t> joined;
  std::unique_ptr<sim::World> world;
};

void add_peer(Crowd& crowd, sim::Host& host, std::shared_ptr<const storage::StorageLayout> layout,
              const swarmlab::protocol::InfoHash& info_hash, bool seed) {
  crowd.peers.push_back(std::make_unique<peer::Peer>(
      host, peer::PeerConfig{.listen_port = port,
                             .actor_id = static_cast<std::uint32_t>(crowd.peers.size()),
                             .receive_buffer_bytes = peer::limits::receive_buffer_bytes_small}));
  auto content = std::make_unique<storage::PhantomStorage>(
      std::move(layout), seed ? storage::PhantomStart::complete : storage::PhantomStart::empty);
  crowd.torrents.push_back(&crowd.peers.back()->add_torrent(
      {.info_hash = info_hash,
       .disk = std::make_unique<storage::InlineDiskIo>(std::move(content)),
       .config = {.existing_data =
                      seed ? peer::ExistingData::trust_complete : peer::ExistingData::none}}));
  crowd.addresses.push_back(host.addresses().front());
}

void join(Crowd& crowd, std::size_t index, std::uint64_t draw_seed) {
  net::Rng rng(draw_seed);
  const auto started = crowd.peers[index]->start();
  if (!started) std::abort();
  std::vector<std::size_t> sample = crowd.joined;
  rng.shuffle(std::span(sample));
  if (sample.size() > tracker_peers_max) sample.resize(tracker_peers_max);
  std::vector<swarmlab::protocol::PeerAddress> peers;
  for (const std::size_t other : sample) {
    peers.push_back(peer::to_peer_address({crowd.addresses[other], port}));
  }
  crowd.torrents[index]->add_peers(peers);
  crowd.joined.push_back(index);
}

std::size_t completed(const Crowd& crowd) {
  std::size_t count = 0;
  for (std::size_t index = 1; index < crowd.torrents.size(); ++index) {
    count += crowd.torrents[index]->is_complete() ? 1 : 0;
  }
  return count;
}

}  // namespace

int main(int argc, char** argv) {
  sim::reexec_with_huge_page_heap(argv);
  const std::size_t leechers = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000;
  const std::uint64_t size_mib = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 100;
  const std::uint32_t piece_kib =
      argc > 3 ? static_cast<std::uint32_t>(std::strtoul(argv[3], nullptr, 10)) : 256;
  fmt::print("flash crowd: seed={} leechers={} size={} MiB pieces={} KiB phantom\n", bench_seed,
             leechers, size_mib, piece_kib);
  auto layout = std::make_shared<const storage::StorageLayout>(
      storage::make_single_file_layout("crowd.bin", piece_kib * 1024, size_mib * 1024 * 1024));
  const auto info_hash = swarmlab::protocol::sha1(std::string_view("flash crowd"));
  Crowd crowd;
  sim::WorldConfig world_config;
  world_config.seed = bench_seed;
  crowd.world = std::make_unique<sim::World>(world_config);
  net::Rng rng(bench_seed, 0xc0ffee);
  add_peer(crowd, crowd.world->add_host(link(100'000, seed_up_kbps, rng)), layout, info_hash, true);
  join(crowd, 0, rng.next());
  for (std::size_t index = 1; index <= leechers; ++index) {
    add_peer(crowd, crowd.world->add_host(leecher_link(rng)), layout, info_hash, false);
    const auto at = net::time_zero + net::Duration(static_cast<std::int64_t>(rng.below(
                                         static_cast<std::uint64_t>(join_window.count()))));
    crowd.world->at(at, [&crowd, index, draw = rng.next()] { join(crowd, index, draw); });
  }
  const auto wall_start = std::chrono::steady_clock::now();
  while (crowd.world->now() < net::time_zero + simulated_time_max && completed(crowd) < leechers) {
    crowd.world->run_until(crowd.world->now() + progress_interval);
    fmt::print("  sim {:6.0f} s: {} of {} complete, rss {} MB\n",
               net::to_seconds(crowd.world->now().time_since_epoch()), completed(crowd), leechers,
               peak_rss_mb());
  }
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  const double sim_s = net::to_seconds(crowd.world->now().time_since_epoch());
  const sim::Counters counters = crowd.world->counters();
  const auto events = counters.events_fired;
  fmt::print("trace-hash: {:016x}\n", crowd.world->trace_hash());
  fmt::print("handlers_run={} stream_chunks={} timers_fired={}\n", counters.handlers_run,
             counters.network.stream_chunks, counters.network.timers_fired);
  fmt::print("wall_s={:.1f} sim_s={:.0f} events_per_wall_s={:.0f} peak_rss_mb={} completed={}/{}\n",
             wall_s, sim_s, static_cast<double>(events) / wall_s, peak_rss_mb(), completed(crowd),
             leechers);
  crowd.world.reset();
  return 0;
}
