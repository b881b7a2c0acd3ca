// Determinism: a randomised workload (1,000 hosts, random TCP and UDP traffic, random crashes,
// partitions and link changes) gives the same trace hash and counters when run twice with the same
// seed, and a different hash with a different seed.
#include "tests/sim/sim_test_support.hpp"

#include <gtest/gtest.h>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/read.hpp>

namespace swarmlab::sim::test {
namespace {

using namespace boost::asio::experimental::awaitable_operators;

constexpr std::size_t host_count = 1000;
constexpr Duration run_duration = 4s;
constexpr Duration fault_interval = 100ms;
constexpr std::uint16_t udp_port = 7000;

// Reads whatever a client sends, then answers with the number of bytes it read.
asio::awaitable<void> session(net::Stream stream) {
  std::array<std::uint8_t, 4096> buffer{};
  std::uint64_t total = 0;
  for (;;) {
    auto [error, count] = co_await stream.async_read_some(asio::buffer(buffer), use_tuple);
    total += count;
    if (error) break;
  }
  co_await asio::async_write(stream, asio::buffer(&total, sizeof total), use_tuple);
}

asio::awaitable<void> serve_tcp(net::Host& host, net::Listener listener) {
  for (;;) {
    auto [error, stream] = co_await listener.async_accept(use_tuple);
    if (error) co_return;
    host.spawn(session(std::move(stream)));
  }
}

asio::awaitable<void> serve_udp(net::Datagram socket) {
  std::array<std::uint8_t, 2048> buffer{};
  net::Endpoint sender;
  for (;;) {
    auto [error, size] =
        co_await socket.async_receive_from(asio::buffer(buffer), sender, use_tuple);
    if (error) co_return;
    co_await socket.async_send_to(asio::buffer(buffer.data(), size / 2 + 1), sender, use_tuple);
  }
}

asio::awaitable<void> tcp_exchange(net::Host& host, net::Endpoint target) {
  net::Timer deadline = host.make_timer();
  // Longer than the connect timeout, so that connects to dead hosts time out by themselves.
  deadline.expires_after(5s, host.now());
  auto outcome = co_await (host.async_connect(target, use_tuple) || deadline.async_wait(use_tuple));
  if (outcome.index() != 0) co_return;
  auto [error, stream] = std::move(std::get<0>(outcome));
  if (error) co_return;
  std::vector<std::uint8_t> payload(host.rng().between(1, 32 * 1024));
  host.rng().fill(payload);
  co_await asio::async_write(stream, asio::buffer(payload), use_tuple);
  stream.close();
}

asio::awaitable<void> chatter(net::Host& host, net::Datagram& socket,
                              const std::vector<net::Endpoint>& targets) {
  std::array<std::uint8_t, 1400> datagram{};
  for (;;) {
    co_await host.sleep(Duration(host.rng().between(20'000'000, 400'000'000)));
    const net::Endpoint& target = targets[host.rng().below(targets.size())];
    if (host.rng().chance(1, 20)) {
      // Nothing listens there: refused.
      host.spawn(tcp_exchange(host, {target.address, static_cast<std::uint16_t>(target.port + 1)}));
    } else if (host.rng().chance(1, 2)) {
      host.spawn(tcp_exchange(host, target));
    } else {
      const std::size_t size = host.rng().between(20, datagram.size());
      co_await socket.async_send_to(asio::buffer(datagram.data(), size),
                                    net::Endpoint{target.address, udp_port}, use_tuple);
    }
  }
}

class RandomWorkload {
 public:
  explicit RandomWorkload(std::uint64_t seed) : world_(config(seed)), chaos_(seed, 0xc4a05) {
    for (std::size_t i = 0; i < host_count; ++i) {
      HostConfig host_config =
          host_with(chaos_.between(50'000, 5'000'000), chaos_.between(100'000, 20'000'000),
                    Duration(chaos_.between(1'000'000, 30'000'000)));
      host_config.link.queue_limit_bytes = 64 * 1024;
      Host& host = world_.add_host(host_config);
      targets_.push_back(endpoint_of(host));
    }
    sockets_.resize(host_count);
    for (std::size_t i = 0; i < host_count; ++i)
      start_actors(world_.host(static_cast<HostId>(i)));
    for (Duration at = fault_interval; at < run_duration; at += fault_interval)
      world_.at(TimePoint(at), [this] { inject_fault(); });
  }

  std::uint64_t run() {
    world_.run_until(TimePoint(run_duration));
    return world_.trace_hash();
  }
  const World& world() const { return world_; }

 private:
  static WorldConfig config(std::uint64_t seed) {
    WorldConfig config;
    config.seed = seed;
    config.core.model = CoreLatency::Model::pair_uniform;
    config.core.pair_min = 5ms;
    config.core.pair_max = 80ms;
    config.stream.stall_timeout = 1s;
    config.stream.connect_timeout = 3s;
    config.udp.faults = {.loss_probability = 0.02,
                         .duplicate_probability = 0.01,
                         .reorder_probability = 0.02,
                         .jitter_max = 3ms};
    return config;
  }

  void start_actors(Host& host) {
    const std::size_t index = index_of(host.id());
    host.spawn(serve_tcp(host, listen_or_die(host)));
    sockets_[index] = host.open_udp({net::Address(), udp_port}).value();
    host.spawn(serve_udp(std::move(sockets_[index])));
    sockets_[index] = host.open_udp({net::Address(), 0}).value();
    host.spawn(chatter(host, sockets_[index], targets_));
  }

  HostId random_host() { return static_cast<HostId>(chaos_.below(host_count)); }

  void inject_fault() {
    switch (chaos_.below(4)) {
      case 0: {
        const HostId victim = random_host();
        world_.crash(victim);
        world_.after(Duration(chaos_.between(100'000'000, 800'000'000)), [this, victim] {
          world_.restart(victim);
          start_actors(world_.host(victim));
        });
        break;
      }
      case 1: {
        std::vector<HostId> side_a;
        std::vector<HostId> side_b;
        for (std::size_t i = 0; i < host_count / 20; ++i) {
          side_a.push_back(static_cast<HostId>(2 * chaos_.below(host_count / 2)));
          side_b.push_back(static_cast<HostId>(2 * chaos_.below(host_count / 2) + 1));
        }
        const PartitionId cut = world_.partition(
            side_a, side_b,
            chaos_.chance(1, 2) ? PartitionMode::symmetric : PartitionMode::one_way);
        world_.after(Duration(chaos_.between(200'000'000, 2'000'000'000)),
                     [this, cut] { world_.heal(cut); });
        break;
      }
      case 2:
        world_.set_link(random_host(), host_with(chaos_.between(20'000, 2'000'000),
                                                 chaos_.between(20'000, 2'000'000),
                                                 Duration(chaos_.between(0, 50'000'000)))
                                           .link);
        break;
      default:
        break;
    }
  }

  World world_;
  net::Rng chaos_;
  std::vector<net::Endpoint> targets_;
  std::vector<net::Datagram> sockets_;
};

TEST(Determinism, SameSeedSameTraceDifferentSeedDifferentTrace) {
  RandomWorkload first(1);
  const std::uint64_t first_hash = first.run();
  const Counters first_counters = first.world().counters();
  RandomWorkload second(1);
  const std::uint64_t second_hash = second.run();
  const Counters second_counters = second.world().counters();
  RandomWorkload other(2);
  const std::uint64_t other_hash = other.run();
  std::printf("trace hashes: seed 1 %016llx, again %016llx, seed 2 %016llx\n",
              static_cast<unsigned long long>(first_hash),
              static_cast<unsigned long long>(second_hash),
              static_cast<unsigned long long>(other_hash));

  EXPECT_EQ(first_hash, second_hash);
  EXPECT_EQ(first_counters.events_fired, second_counters.events_fired);
  EXPECT_EQ(first_counters.handlers_run, second_counters.handlers_run);
  EXPECT_EQ(first_counters.network.stream_bytes_delivered,
            second_counters.network.stream_bytes_delivered);
  EXPECT_EQ(first_counters.network.datagrams_delivered,
            second_counters.network.datagrams_delivered);
  EXPECT_NE(first_hash, other_hash);
  // The workload did exercise what it claims to.
  const NetworkCounters& network = first_counters.network;
  EXPECT_GT(network.connects_established, 1000u);
  EXPECT_GT(network.connects_timed_out + network.connects_refused, 0u);
  EXPECT_GT(network.connections_reset, 0u);
  EXPECT_GT(network.datagrams_delivered, 1000u);
  EXPECT_GT(network.datagrams_lost, 0u);
  EXPECT_GT(network.datagrams_dropped_unreachable, 0u);
}

}  // namespace
}  // namespace swarmlab::sim::test
