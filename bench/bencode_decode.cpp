// Benchmark: bencode decoding and full metainfo parsing of a generated .torrent with 100,000 files.
// Prints throughput in MB/s (1 MB = 10^6 bytes); asserts nothing.
//
//   build/bench/bencode_decode [file_count] [rounds]
#include "protocol/bencode.hpp"
#include "protocol/metainfo.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cassert>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

namespace {

using namespace swarmlab::protocol;

// A multi-file torrent: file_count files in nested folders with varied sizes, 4 MiB pieces.
std::string make_torrent(std::size_t file_count) {
  constexpr std::int64_t piece_length = 4 << 20;
  std::string info;
  bencode::Encoder encoder(info);
  encoder.begin_dict().key("files").begin_list();
  std::int64_t total = 0;
  for (std::size_t i = 0; i < file_count; ++i) {
    const std::int64_t length = static_cast<std::int64_t>((i * 7919) % 3'000'000 + 1);
    total += length;
    encoder.begin_dict().key("length").integer(length).key("path").begin_list();
    encoder.string(fmt::format("folder-{:03}", i % 250));
    encoder.string(fmt::format("part-{}", i % 7));
    encoder.string(fmt::format("file-{:06}.dat", i));
    encoder.end().end();
  }
  encoder.end();
  const std::int64_t piece_count = (total + piece_length - 1) / piece_length;
  encoder.key("name").string("benchmark").key("piece length").integer(piece_length);
  encoder.key("pieces").string(std::string(static_cast<std::size_t>(piece_count) * 20, 'h'));
  encoder.end();
  std::string torrent;
  bencode::Encoder outer(torrent);
  outer.begin_dict()
      .key("announce")
      .string("http://tracker.example/announce")
      .key("info")
      .raw(info)
      .end();
  return torrent;
}

double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

struct Timing {
  double wall_best_seconds;
  double cpu_best_seconds;  // CPU time of this thread: unaffected by other load on the machine
};

// Runs `work` `rounds` times; the best round is the least disturbed by other processes.
template <class Work>
Timing time_rounds(int rounds, Work&& work) {
  Timing best{1e300, 1e300};
  for (int round = 0; round < rounds; ++round) {
    // Benchmarks measure time; nothing in the program decides on it.
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = thread_cpu_seconds();
    work();
    const double cpu = thread_cpu_seconds() - cpu_start;
    const auto stop = std::chrono::steady_clock::now();
    best.wall_best_seconds =
        std::min(best.wall_best_seconds, std::chrono::duration<double>(stop - start).count());
    best.cpu_best_seconds = std::min(best.cpu_best_seconds, cpu);
  }
  return best;
}

void report(const char* what, double megabytes, const Timing& timing, const std::string& note) {
  fmt::print("{:<16} {:8.1f} MB/s per CPU second, {:8.1f} MB/s wall ({:.2f} ms CPU){}\n", what,
             megabytes / timing.cpu_best_seconds, megabytes / timing.wall_best_seconds,
             timing.cpu_best_seconds * 1e3, note);
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t file_count = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 100'000;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 20;
  const std::string torrent = make_torrent(file_count);
  const double megabytes = static_cast<double>(torrent.size()) / 1e6;
  fmt::print("metainfo: {} files, {:.2f} MB\n", file_count, megabytes);

  std::size_t tokens = 0;
  const Timing decode = time_rounds(rounds, [&] {
    auto document = bencode::decode(torrent, bencode::Limits{100, metainfo_token_count_max});
    assert(document);
    tokens = document->token_count();
  });
  report("bencode decode:", megabytes, decode, fmt::format(", {} tokens", tokens));

  std::size_t files = 0;
  const Timing parse = time_rounds(rounds, [&] {
    auto metainfo = parse_metainfo(torrent);
    assert(metainfo);
    files = metainfo->files.size();
  });
  report("metainfo parse:", megabytes, parse, fmt::format(", {} files", files));

  std::size_t encoded_size = 0;
  const auto document = bencode::decode(torrent, bencode::Limits{100, metainfo_token_count_max});
  const Timing encoding =
      time_rounds(rounds, [&] { encoded_size = bencode::encode(document->root()).size(); });
  assert(encoded_size == torrent.size());
  report("bencode encode:", megabytes, encoding, "");
  return 0;
}
