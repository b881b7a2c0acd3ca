// Storage throughput: a torrent (1 GiB by default) in 256 KiB pieces, received as 16 KiB blocks
// into file storage through the thread-pool disk I/O, the way the peer uses it. Prints MB/s
// (10^6 bytes per second) and MB per CPU second for each phase, the raw SHA-1 rate for comparison,
// CPU seconds and peak RSS. The files live in a fresh directory under DIR (default /tmp), removed at the end. Reads
// are served by the page cache when the machine has the memory for it: the figures are for the
// storage code path, not for the device (except the flush).
//
// Usage: build/bench/storage [DIR] [SIZE_MIB] [THREADS]
#include "actors/peer/storage/file_storage.hpp"
#include "actors/peer/storage/payload.hpp"
#include "actors/peer/storage/thread_pool_disk_io.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <fmt/core.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>

namespace {

namespace asio = boost::asio;
using namespace swarmlab::peer::storage;
using Clock = std::chrono::steady_clock;

constexpr std::uint32_t piece_bytes = 256 * 1024;
constexpr std::uint32_t block_bytes = 16 * 1024;
// Distinct piece contents, reused round robin so that no payload is generated in timed loops.
constexpr std::size_t template_count = 64;
// Pieces received at once, as from that many connections.
constexpr std::size_t receiver_count = 8;

struct Figures {
  double seconds = 0;
  double cpu_seconds = 0;
};

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto to_seconds = [](const timeval& time) { return time.tv_sec + time.tv_usec / 1e6; };
  return to_seconds(usage.ru_utime) + to_seconds(usage.ru_stime);
}

Figures measure(const std::function<void()>& work) {
  const double cpu_before = cpu_seconds();
  const auto start = Clock::now();
  work();
  return {std::chrono::duration<double>(Clock::now() - start).count(), cpu_seconds() - cpu_before};
}

// MB/s by the wall clock, and MB per CPU second of this process, which stays meaningful when other
// programs share the cores.
void report(const char* phase, std::uint64_t bytes, const Figures& figures) {
  const double megabytes = static_cast<double>(bytes) / 1e6;
  fmt::print("{:<44} {:>8.1f} MB/s  {:>8.1f} MB/CPU-s  ({:.2f} s wall, {:.2f} s CPU)\n", phase,
             megabytes / figures.seconds, megabytes / figures.cpu_seconds, figures.seconds,
             figures.cpu_seconds);
}

struct Torrent {
  std::shared_ptr<const StorageLayout> layout;
  std::vector<Buffer> templates;
};

Torrent make_torrent(std::uint64_t size_bytes) {
  StorageLayout layout = make_single_file_layout("bench.bin", piece_bytes, size_bytes);
  Torrent torrent;
  const Payload payload = Payload::from_seed(1, 0);
  std::vector<Sha1Digest> template_hashes;
  for (std::size_t i = 0; i < template_count; ++i) {
    Buffer bytes(piece_bytes);
    payload.fill(i * piece_bytes, bytes);
    template_hashes.push_back(swarmlab::protocol::sha1(bytes));
    torrent.templates.push_back(std::move(bytes));
  }
  for (PieceIndex piece = 0; piece < layout.piece_count(); ++piece) {
    const std::uint32_t size = layout.piece_size_bytes(piece);
    layout.piece_hashes[piece] =
        size == piece_bytes ? template_hashes[piece % template_count]
                            : swarmlab::protocol::sha1(
                                  std::span(torrent.templates[piece % template_count]).first(size));
  }
  torrent.layout = std::make_shared<const StorageLayout>(std::move(layout));
  return torrent;
}

// Runs `receiver_count` coroutines that take pieces in turn and apply `per_piece` to each.
void for_all_pieces(DiskIo& disk,
                    const std::function<asio::awaitable<void>(PieceIndex)>& per_piece) {
  asio::io_context io;
  PieceIndex next = 0;
  const PieceIndex count = disk.layout().piece_count();
  for (std::size_t receiver = 0; receiver < receiver_count; ++receiver) {
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          while (next < count)
            co_await per_piece(next++);
        },
        [](std::exception_ptr failure) {
          if (failure) std::rethrow_exception(failure);
        });
  }
  io.run();
}

asio::awaitable<void> receive_piece(DiskIo& disk, const Torrent& torrent, PieceIndex piece) {
  const Buffer& content = torrent.templates[piece % template_count];
  const std::uint32_t size = disk.layout().piece_size_bytes(piece);
  for (std::uint32_t offset = 0; offset < size; offset += block_bytes) {
    const std::uint32_t length = std::min(block_bytes, size - offset);
    Buffer block(content.begin() + offset, content.begin() + offset + length);
    auto written = co_await disk.write({piece, offset, length}, std::move(block));
    if (!written) throw std::runtime_error("write failed: " + written.error().message());
  }
}

asio::awaitable<void> verify(DiskIo& disk, PieceIndex piece) {
  auto verified = co_await disk.verify_piece(piece);
  if (!verified || !*verified) throw std::runtime_error(fmt::format("piece {} failed", piece));
}

asio::awaitable<void> serve_piece(DiskIo& disk, PieceIndex piece) {
  const std::uint32_t size = disk.layout().piece_size_bytes(piece);
  for (std::uint32_t offset = 0; offset < size; offset += block_bytes) {
    auto read = co_await disk.read({piece, offset, std::min(block_bytes, size - offset)});
    if (!read) throw std::runtime_error("read failed: " + read.error().message());
  }
}

void run_flush(DiskIo& disk) {
  asio::io_context io;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { (co_await disk.flush()).value(); },
      [](std::exception_ptr failure) {
        if (failure) std::rethrow_exception(failure);
      });
  io.run();
}

void run_sha1_rate(const Torrent& torrent, std::uint64_t size_bytes) {
  const auto figures = measure([&] {
    for (std::uint64_t done = 0; done < size_bytes; done += piece_bytes) {
      swarmlab::protocol::sha1(torrent.templates[(done / piece_bytes) % template_count]);
    }
  });
  report("SHA-1 in memory, 256 KiB pieces (one core)", size_bytes, figures);
}

void run_benchmark(const std::filesystem::path& root, std::uint64_t size_bytes,
                   std::size_t thread_count) {
  const Torrent torrent = make_torrent(size_bytes);
  const ThreadPoolOptions options{
      .thread_count = thread_count, .in_flight_max = 2 * thread_count, .waiting_max = 1024};
  fmt::print("torrent {} MiB, {} pieces of {} KiB, {} KiB blocks, {} disk threads, in {}\n",
             size_bytes >> 20, torrent.layout->piece_count(), piece_bytes / 1024,
             block_bytes / 1024, thread_count, root.string());
  run_sha1_rate(torrent, size_bytes);
  {
    ThreadPoolDiskIo disk(std::make_unique<FileStorage>(torrent.layout, root / "a"), options);
    report("write 16 KiB blocks", size_bytes, measure([&] {
             for_all_pieces(disk, [&](PieceIndex p) { return receive_piece(disk, torrent, p); });
           }));
    report("flush (fdatasync) after the writes", size_bytes, measure([&] { run_flush(disk); }));
    report("verify pieces (read back + SHA-1)", size_bytes,
           measure([&] { for_all_pieces(disk, [&](PieceIndex p) { return verify(disk, p); }); }));
    report("read 16 KiB blocks (serving)", size_bytes, measure([&] {
             for_all_pieces(disk, [&](PieceIndex p) { return serve_piece(disk, p); });
           }));
  }
  {
    ThreadPoolDiskIo disk(std::make_unique<FileStorage>(torrent.layout, root / "b"), options);
    report("download: write blocks, then verify piece", size_bytes, measure([&] {
             for_all_pieces(disk, [&](PieceIndex p) -> asio::awaitable<void> {
               co_await receive_piece(disk, torrent, p);
               co_await verify(disk, p);
             });
           }));
  }
  ThreadPoolDiskIo restarted(std::make_unique<FileStorage>(torrent.layout, root / "b"), options);
  std::size_t present = 0;
  report("check existing data on restart", size_bytes, measure([&] {
           asio::io_context io;
           asio::co_spawn(
               io,
               [&]() -> asio::awaitable<void> {
                 for (bool have : (co_await restarted.check_existing()).value())
                   present += have;
               },
               [](std::exception_ptr failure) {
                 if (failure) std::rethrow_exception(failure);
               });
           io.run();
         }));
  fmt::print("pieces found complete on restart: {} of {}\n", present,
             torrent.layout->piece_count());
}

}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path base = argc > 1 ? argv[1] : "/tmp";
  const std::uint64_t size_mib = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1024;
  const std::size_t thread_count = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 2;
  if (size_mib == 0 || thread_count == 0 || thread_count > disk_thread_count_max) {
    fmt::print(stderr, "usage: storage [DIR] [SIZE_MIB > 0] [THREADS 1..{}]\n",
               disk_thread_count_max);
    return 2;
  }
  const std::filesystem::path root = base / fmt::format("swarmlab-bench-storage-{}", ::getpid());
  std::filesystem::create_directories(root);
  int status = 0;
  try {
    run_benchmark(root, size_mib << 20, thread_count);
  } catch (const std::exception& error) {
    fmt::print(stderr, "storage benchmark: {}\n", error.what());
    status = 1;
  }
  std::filesystem::remove_all(root);
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  fmt::print("total CPU {:.2f} s, peak RSS {} MiB\n", cpu_seconds(), usage.ru_maxrss / 1024);
  return status;
}
