// Recorder throughput: events written per second and bytes of database per event, for one million
// block events (the densest kind a swarm produces) through the Observer interface, with remotes
// resolved to host ids, at several transaction sizes. Wall time includes finish_run, which builds
// the events indices; CPU time (user + system) is printed too, since it is steadier than wall time
// on a shared machine. Prints figures; asserts nothing.
//
// Usage: build/bench/recorder [EVENTS] [DIRECTORY]   (defaults: 1000000, the system temp dir)
#include "record/recorder.hpp"

#include <fmt/core.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

namespace {

using namespace swarmlab;
using record::ActorId;

constexpr ActorId host_count = 1000;

protocol::PeerAddress address_of(ActorId host) {
  return protocol::PeerAddress::ipv4(
      {10, 0, static_cast<std::uint8_t>(host >> 8), static_cast<std::uint8_t>(host)}, 6881);
}

struct Variant {
  const char* name;
  std::size_t rows_per_transaction;
};

struct Figures {
  double seconds = 0;
  double cpu_seconds = 0;
  double finish_seconds = 0;
  std::uintmax_t size_bytes = 0;
};

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& time) {
    return static_cast<double>(time.tv_sec) + static_cast<double>(time.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void write_run(record::Recorder& recorder, std::uint64_t events) {
  record::RunInfo run;
  run.scenario_name = "bench";
  run.piece_count = 6400;
  recorder.begin_run(run);
  for (ActorId host = 0; host < host_count; ++host) {
    record::HostInfo info;
    info.id = host;
    info.addresses = {address_of(host)};
    recorder.add_host(info);
  }
  // Hosts exchange blocks in a fixed round robin: each event names its receiver, sender, piece and
  // offset, like a swarm's block_received rows.
  for (std::uint64_t index = 0; index < events; ++index) {
    const auto self = static_cast<ActorId>(index % host_count);
    const auto sender = static_cast<ActorId>((index * 7 + 1) % host_count);
    const auto piece = static_cast<std::uint32_t>((index / 16) % run.piece_count);
    const auto offset = static_cast<std::uint32_t>(index % 16) * 16384;
    recorder.on_block(net::time_zero + std::chrono::microseconds(index), self, address_of(sender),
                      record::Side::remote, {piece, offset, 16384});
  }
}

Figures run_variant(const Variant& variant, std::uint64_t events, const std::string& path) {
  std::filesystem::remove(path);
  Figures figures;
  record::RecorderOptions options;
  options.detail = record::EventDetail::wire;
  options.rows_per_transaction = variant.rows_per_transaction;
  const auto started = std::chrono::steady_clock::now();
  const double cpu_started = cpu_seconds();
  {
    record::Recorder recorder(path, options);
    write_run(recorder, events);
    const auto finishing = std::chrono::steady_clock::now();
    recorder.finish_run(net::time_zero + std::chrono::microseconds(events), "",
                        record::Outcome::completed);
    figures.finish_seconds = seconds_since(finishing);
  }
  figures.seconds = seconds_since(started);
  figures.cpu_seconds = cpu_seconds() - cpu_started;
  figures.size_bytes = std::filesystem::file_size(path);
  return figures;
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t events = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
  const std::filesystem::path directory =
      argc > 2 ? std::filesystem::path(argv[2]) : std::filesystem::temp_directory_path();
  const std::string path =
      (directory / ("swarmlab-bench-recorder-" + std::to_string(::getpid()) + ".sqlite")).string();
  if (events == 0) {
    fmt::print(stderr, "recorder: EVENTS must be a positive number\n");
    return 2;
  }
  const std::vector<Variant> variants{
      {"batches of 1,000 rows", 1'000},
      {"batches of 20,000 rows (default)", 20'000},
      {"batches of 200,000 rows", 200'000},
  };
  fmt::print("recorder: {} block events from {} hosts, detail=wire, file {}\n", events, host_count,
             path);
  for (const Variant& variant : variants) {
    const Figures figures = run_variant(variant, events, path);
    const auto count = static_cast<double>(events);
    fmt::print(
        "  {:<34} {:>7.0f} events/s wall ({:.2f} s, finish_run {:.2f} s), {:>7.0f} events/CPU-s, "
        "{:.1f} bytes/event ({:.1f} MiB)\n",
        variant.name, count / figures.seconds, figures.seconds, figures.finish_seconds,
        count / figures.cpu_seconds, static_cast<double>(figures.size_bytes) / count,
        static_cast<double>(figures.size_bytes) / (1024.0 * 1024.0));
  }
  std::filesystem::remove(path);
  return 0;
}
