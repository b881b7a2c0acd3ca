// swarmlab seeding to swarmlab on real loopback sockets: one file of SIZE_MIB (default 1024) in a
// scratch directory, a seed and a leecher on 127.0.0.2 and 127.0.0.3 in one process, files on
// both sides through the thread-pool disk I/O. Usage: loopback_transfer [SIZE_MIB [PIECE_KIB]].
//
// Prints the transfer's MB/s (from the leecher's first connection to its last verified piece), the
// process's CPU seconds during the transfer and its peak RSS; the last line is
// `mb_per_s=<r> cpu_s=<c> wall_s=<w> peak_rss_mb=<m>`. Figures are printed, never asserted.
#include "actors/peer/peer.hpp"
#include "actors/peer/storage/file_storage.hpp"
#include "actors/peer/storage/thread_pool_disk_io.hpp"
#include "actors/peer/torrent_layout.hpp"
#include "net/real_host.hpp"
#include "protocol/torrent_creator.hpp"

#include <fmt/core.h>
#include <sys/resource.h>
#include <unistd.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/post.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace net = swarmlab::net;
namespace peer = swarmlab::peer;
namespace protocol = swarmlab::protocol;
namespace storage = swarmlab::peer::storage;
using namespace std::chrono_literals;

constexpr auto transfer_time_max = 600s;
constexpr std::size_t write_chunk_bytes = 1 << 20;

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

long peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

void write_content(const std::filesystem::path& path, std::uint64_t size_bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  std::vector<char> chunk(write_chunk_bytes);
  net::Rng rng(7);
  for (std::uint64_t written = 0; written < size_bytes; written += chunk.size()) {
    rng.fill(std::span(reinterpret_cast<std::uint8_t*>(chunk.data()), chunk.size()));
    out.write(chunk.data(), static_cast<std::streamsize>(
                                std::min<std::uint64_t>(chunk.size(), size_bytes - written)));
  }
}

std::unique_ptr<storage::DiskIo> disk_for(const protocol::Metainfo& metainfo,
                                          const std::filesystem::path& save_path) {
  auto layout = std::make_shared<const storage::StorageLayout>(peer::storage_layout_from(metainfo));
  return std::make_unique<storage::ThreadPoolDiskIo>(
      std::make_unique<storage::FileStorage>(layout, save_path));
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t size_mib = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1024;
  const std::int64_t piece_kib = argc > 2 ? std::strtoll(argv[2], nullptr, 10) : 1024;
  const auto scratch = std::filesystem::temp_directory_path() /
                       ("swarmlab-loopback-bench-" + std::to_string(::getpid()));
  write_content(scratch / "seed" / "payload.bin", size_mib << 20);
  protocol::CreateOptions options;
  options.piece_length = piece_kib * 1024;
  const auto created = protocol::create_torrent(scratch / "seed" / "payload.bin", options);
  if (!created) {
    fmt::print("create failed: {}\n", created.error().describe());
    return 1;
  }
  const protocol::Metainfo& metainfo = created->metainfo;
  asio::io_context io_context;
  // Unseeded: each host draws its seed from entropy, so the two peers' ids differ.
  net::RealHost seed_host(io_context, {.addresses = {asio::ip::make_address_v4("127.0.0.2")}});
  net::RealHost leech_host(io_context, {.addresses = {asio::ip::make_address_v4("127.0.0.3")}});
  auto seed = std::make_unique<peer::Peer>(seed_host, peer::PeerConfig{.listen_port = 0});
  auto leech = std::make_unique<peer::Peer>(leech_host, peer::PeerConfig{.listen_port = 0});
  peer::Torrent& seeding = seed->add_torrent({.info_hash = metainfo.info_hash,
                                              .disk = disk_for(metainfo, scratch / "seed"),
                                              .config = {}});
  peer::Torrent& leeching = leech->add_torrent({.info_hash = metainfo.info_hash,
                                                .disk = disk_for(metainfo, scratch / "leech"),
                                                .config = {}});
  if (!seed->start() || !leech->start()) return 1;
  const auto run_until = [&](auto done, std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io_context.restart();
      io_context.run_for(10ms);
    }
  };
  run_until([&] { return seeding.state() == peer::TorrentState::seeding; }, 600s);
  const double cpu_start = cpu_seconds();
  const auto wall_start = std::chrono::steady_clock::now();
  leeching.add_peer({seed_host.addresses().front(), seed->listen_port()});
  run_until([&] { return leeching.state() == peer::TorrentState::seeding; }, transfer_time_max);
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  const double cpu_s = cpu_seconds() - cpu_start;
  const bool complete = leeching.is_complete();
  asio::post(io_context, [&] {
    seed->stop();
    leech->stop();
    seed_host.cancel_tasks();
    leech_host.cancel_tasks();
  });
  run_until([&] { return seed_host.task_count() + leech_host.task_count() == 0; }, 10s);
  seed.reset();
  leech.reset();
  std::filesystem::remove_all(scratch);
  fmt::print("loopback transfer: {} MiB, {} KiB pieces, complete={}\n", size_mib, piece_kib,
             complete);
  fmt::print("mb_per_s={:.1f} cpu_s={:.2f} wall_s={:.2f} peak_rss_mb={}\n",
             static_cast<double>(size_mib << 20) / 1e6 / wall_s, cpu_s, wall_s, peak_rss_mb());
  return complete ? 0 : 1;
}
