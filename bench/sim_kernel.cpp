// Benchmarks of the simulated network kernel. Usage: sim_kernel timers|udp|tcp N SIM_SECONDS
//
//   timers N T: N hosts, each re-arming a 10 ms timer for T simulated seconds; an op is a firing.
//   udp N T:    N hosts, each sending a 200-byte datagram every 100 ms to a uniformly random other
//               host; an op is a delivered datagram.
//   tcp N T:    N pairs of hosts; each sender writes 64 KiB chunks as fast as its stream accepts
//               them and the receiver reads them; an op is a completed read.
// udp and tcp use access links of 800 kB/s down and 200 kB/s up and a 30 ms core latency. Every
// actor is an Asio coroutine on net::Host, as swarmlab's actors are. timers_callback and
// udp_callback run the same workloads with plain callbacks, which shows the kernel's own cost
// without Asio's coroutine machinery (the reference simulator's workloads are callbacks too).
//
// The last line is `ops_per_wall_s=<x> sim_s_per_wall_s=<y> peak_rss_mb=<z>` (tcp adds
// `payload_bytes_per_wall_s=<b>`). Figures are printed, never asserted.
#include "sim/huge_page_heap.hpp"
#include "sim/world.hpp"

#include <fmt/core.h>
#include <sys/resource.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace net = swarmlab::net;
namespace sim = swarmlab::sim;
using namespace std::chrono_literals;

constexpr std::uint64_t bench_seed = 42;
constexpr std::size_t datagram_size_bytes = 200;
constexpr std::size_t tcp_chunk_bytes = 64 * 1024;
constexpr std::uint16_t bench_port = 6881;

struct Tally {
  std::uint64_t operations = 0;
  std::uint64_t payload_bytes = 0;
};

sim::WorldConfig bench_world_config() {
  sim::WorldConfig config;
  config.seed = bench_seed;
  config.core.fixed = 30ms;
  return config;
}

sim::HostConfig bench_host_config() {
  sim::HostConfig config;
  config.link.download_bytes_per_second = 800'000;
  config.link.upload_bytes_per_second = 200'000;
  return config;
}

// ---- timers

asio::awaitable<void> ticker(net::Host& host, net::Duration phase, net::TimePoint end,
                             Tally& tally) {
  net::Timer timer = host.make_timer();
  timer.expires_at(host.now() + phase);
  while (timer.expiry() < end) {
    co_await timer.async_wait(asio::use_awaitable);
    ++tally.operations;
    timer.expires_at(timer.expiry() + 10ms);
  }
}

void setup_timers(sim::World& world, std::size_t count, net::TimePoint end, Tally& tally) {
  for (std::size_t i = 0; i < count; ++i) {
    sim::Host& host = world.add_host();
    // Phases spread over one period, so the hosts do not all fire at the same instant.
    const net::Duration phase =
        10ms * static_cast<std::int64_t>(i) / static_cast<std::int64_t>(count);
    host.spawn(ticker(host, phase, end, tally));
  }
}

// The same workload with plain callbacks instead of coroutines: what the kernel costs without
// Asio's coroutine machinery (libtorrent's simulator, the reference, runs callbacks too).
struct CallbackTicker {
  net::Timer timer;
  net::TimePoint end;
  Tally* tally;

  void arm() {
    timer.async_wait([this](net::error_code error) {
      if (error) return;
      ++tally->operations;
      timer.expires_at(timer.expiry() + 10ms);
      if (timer.expiry() < end) arm();
    });
  }
};

void setup_timers_callback(sim::World& world, std::size_t count, net::TimePoint end, Tally& tally,
                           std::vector<std::unique_ptr<CallbackTicker>>& tickers) {
  for (std::size_t i = 0; i < count; ++i) {
    sim::Host& host = world.add_host();
    const net::Duration phase =
        10ms * static_cast<std::int64_t>(i) / static_cast<std::int64_t>(count);
    auto ticker_state =
        std::make_unique<CallbackTicker>(CallbackTicker{host.make_timer(), end, &tally});
    ticker_state->timer.expires_at(host.now() + phase);
    ticker_state->arm();
    tickers.push_back(std::move(ticker_state));
  }
}

// ---- udp

asio::awaitable<void> udp_sender(net::Host& host, net::Datagram& socket,
                                 std::vector<net::Endpoint>& targets, std::size_t self) {
  std::array<std::uint8_t, datagram_size_bytes> payload{};
  net::Timer timer = host.make_timer();
  timer.expires_at(host.now() + net::Duration(host.rng().below(100'000'000)));
  for (;;) {
    co_await timer.async_wait(asio::use_awaitable);
    std::size_t target = host.rng().below(targets.size() - 1);
    if (target >= self) ++target;
    co_await socket.async_send_to(asio::buffer(payload), targets[target], asio::use_awaitable);
    timer.expires_at(timer.expiry() + 100ms);
  }
}

asio::awaitable<void> udp_receiver(net::Datagram& socket, Tally& tally) {
  std::array<std::uint8_t, 2048> buffer{};
  net::Endpoint sender;
  for (;;) {
    const std::size_t size =
        co_await socket.async_receive_from(asio::buffer(buffer), sender, asio::use_awaitable);
    ++tally.operations;
    tally.payload_bytes += size;
  }
}

// The udp workload with plain callbacks instead of coroutines (see CallbackTicker).
struct CallbackUdpHost {
  net::Host* host;
  net::Datagram socket;
  net::Timer timer;
  const std::vector<net::Endpoint>* targets;
  std::size_t self;
  Tally* tally;
  std::array<std::uint8_t, datagram_size_bytes> payload{};
  std::array<std::uint8_t, 2048> buffer{};
  net::Endpoint sender{};

  void start() {
    timer.expires_at(host->now() + net::Duration(host->rng().below(100'000'000)));
    arm();
    receive();
  }
  void arm() {
    timer.async_wait([this](net::error_code error) {
      if (error) return;
      std::size_t target = host->rng().below(targets->size() - 1);
      if (target >= self) ++target;
      socket.async_send_to(asio::buffer(payload), (*targets)[target],
                           [](net::error_code, std::size_t) {});
      timer.expires_at(timer.expiry() + 100ms);
      arm();
    });
  }
  void receive() {
    socket.async_receive_from(asio::buffer(buffer), sender,
                              [this](net::error_code error, std::size_t size) {
                                if (error) return;
                                ++tally->operations;
                                tally->payload_bytes += size;
                                receive();
                              });
  }
};

void setup_udp_callback(sim::World& world, std::size_t count, std::vector<net::Endpoint>& targets,
                        Tally& tally, std::vector<std::unique_ptr<CallbackUdpHost>>& hosts) {
  for (std::size_t i = 0; i < count; ++i) {
    sim::Host& host = world.add_host(bench_host_config());
    targets.push_back({host.addresses()[0], bench_port});
    hosts.push_back(std::make_unique<CallbackUdpHost>(
        CallbackUdpHost{&host, host.open_udp({net::Address(), bench_port}).value(),
                        host.make_timer(), &targets, i, &tally}));
  }
  for (auto& udp_host : hosts)
    udp_host->start();
}

void setup_udp(sim::World& world, std::size_t count, std::vector<net::Datagram>& sockets,
               std::vector<net::Endpoint>& targets, Tally& tally) {
  sockets.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    sim::Host& host = world.add_host(bench_host_config());
    auto socket = host.open_udp({net::Address(), bench_port});
    sockets.push_back(std::move(*socket));
    targets.push_back({host.addresses()[0], bench_port});
  }
  for (std::size_t i = 0; i < count; ++i) {
    sim::Host& host = world.host(static_cast<sim::HostId>(i));
    host.spawn(udp_sender(host, sockets[i], targets, i));
    host.spawn(udp_receiver(sockets[i], tally));
  }
}

// ---- tcp

asio::awaitable<void> tcp_sender(net::Host& host, net::Endpoint target) {
  std::vector<std::uint8_t> chunk(tcp_chunk_bytes, 0x5a);
  net::Stream stream = co_await host.async_connect(target, asio::use_awaitable);
  for (;;) {
    std::size_t offset = 0;
    while (offset < chunk.size()) {
      offset += co_await stream.async_write_some(
          asio::buffer(chunk.data() + offset, chunk.size() - offset), asio::use_awaitable);
    }
  }
}

asio::awaitable<void> tcp_receiver(net::Listener listener, Tally& tally) {
  net::Stream stream = co_await listener.async_accept(asio::use_awaitable);
  std::vector<std::uint8_t> buffer(tcp_chunk_bytes);
  for (;;) {
    const std::size_t size =
        co_await stream.async_read_some(asio::buffer(buffer), asio::use_awaitable);
    ++tally.operations;
    tally.payload_bytes += size;
  }
}

void setup_tcp(sim::World& world, std::size_t pairs, Tally& tally) {
  for (std::size_t i = 0; i < pairs; ++i) {
    sim::Host& sender = world.add_host(bench_host_config());
    sim::Host& receiver = world.add_host(bench_host_config());
    auto listener = receiver.listen({net::Address(), bench_port});
    receiver.spawn(tcp_receiver(std::move(*listener), tally));
    sender.spawn(tcp_sender(sender, {receiver.addresses()[0], bench_port}));
  }
}

// CPU time of this process: on a shared machine it tells how much of the wall time was ours.
double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

int usage() {
  fmt::print(stderr,
             "usage: sim_kernel timers|udp|tcp|timers_callback|udp_callback N SIM_SECONDS\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  sim::reexec_with_huge_page_heap(argv);
  if (argc != 4) return usage();
  const std::string_view workload = argv[1];
  const auto count = static_cast<std::size_t>(std::strtoull(argv[2], nullptr, 10));
  const auto seconds = static_cast<std::int64_t>(std::strtoll(argv[3], nullptr, 10));
  if (count < 2 || seconds <= 0) return usage();
  const net::TimePoint end = net::time_zero + std::chrono::seconds(seconds);

  const auto setup_start = std::chrono::steady_clock::now();
  Tally tally;
  std::vector<net::Datagram> sockets;
  std::vector<net::Endpoint> targets;
  auto world = std::make_unique<sim::World>(bench_world_config());
  std::vector<std::unique_ptr<CallbackTicker>> callback_tickers;
  std::vector<std::unique_ptr<CallbackUdpHost>> callback_udp_hosts;
  if (workload == "timers") {
    setup_timers(*world, count, end, tally);
  } else if (workload == "timers_callback") {
    setup_timers_callback(*world, count, end, tally, callback_tickers);
  } else if (workload == "udp_callback") {
    setup_udp_callback(*world, count, targets, tally, callback_udp_hosts);
  } else if (workload == "udp") {
    setup_udp(*world, count, sockets, targets, tally);
  } else if (workload == "tcp") {
    setup_tcp(*world, count, tally);
  } else {
    return usage();
  }
  const auto run_start = std::chrono::steady_clock::now();
  const double run_cpu_start = cpu_seconds();
  world->run_until(end);
  const auto run_end = std::chrono::steady_clock::now();
  const double run_cpu_s = cpu_seconds() - run_cpu_start;
  const std::uint64_t trace_hash = world->trace_hash();
  const sim::Counters counters = world->counters();
  world.reset();
  sockets.clear();
  callback_tickers.clear();
  callback_udp_hosts.clear();
  const auto teardown_end = std::chrono::steady_clock::now();

  const double setup_wall_s = std::chrono::duration<double>(run_start - setup_start).count();
  const double run_wall_s = std::chrono::duration<double>(run_end - run_start).count();
  const double teardown_wall_s = std::chrono::duration<double>(teardown_end - run_end).count();
  fmt::print("workload={} n={} sim_seconds={} seed={}\n", workload, count, seconds, bench_seed);
  fmt::print("ops={} payload_bytes={} events={} handlers={} trace_hash={:016x}\n", tally.operations,
             tally.payload_bytes, counters.events_fired, counters.handlers_run, trace_hash);
  fmt::print("setup_wall_s={:.3f} run_wall_s={:.3f} run_cpu_s={:.3f} teardown_wall_s={:.3f}\n",
             setup_wall_s, run_wall_s, run_cpu_s, teardown_wall_s);
  fmt::print("ops_per_cpu_s={:.0f} sim_s_per_cpu_s={:.3f}\n",
             static_cast<double>(tally.operations) / run_cpu_s,
             static_cast<double>(seconds) / run_cpu_s);
  const double ops_per_wall_s = static_cast<double>(tally.operations) / run_wall_s;
  const double sim_s_per_wall_s = static_cast<double>(seconds) / run_wall_s;
  if (workload == "tcp") {
    fmt::print(
        "ops_per_wall_s={:.0f} sim_s_per_wall_s={:.3f} peak_rss_mb={:.1f} "
        "payload_bytes_per_wall_s={:.0f}\n",
        ops_per_wall_s, sim_s_per_wall_s, peak_rss_mb(),
        static_cast<double>(tally.payload_bytes) / run_wall_s);
  } else {
    fmt::print("ops_per_wall_s={:.0f} sim_s_per_wall_s={:.3f} peak_rss_mb={:.1f}\n", ops_per_wall_s,
               sim_s_per_wall_s, peak_rss_mb());
  }
  return 0;
}
