// Datagrams: timing through the links, and the seeded impairments (loss, duplication, reordering,
// queue limits) measured against their configured rates.
#include "tests/sim/sim_test_support.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

namespace swarmlab::sim::test {
namespace {

constexpr std::size_t datagram_count = 100'000;

struct Arrivals {
  std::vector<std::uint64_t> indexes;
  std::vector<TimePoint> times;
};

// Sends datagrams 0..count-1, each carrying its index, `spacing` apart.
asio::awaitable<void> send_numbered(net::Host& host, net::Datagram& socket, net::Endpoint target,
                                    std::size_t count, std::size_t size_bytes, Duration spacing) {
  std::vector<std::uint8_t> payload(size_bytes);
  for (std::uint64_t index = 0; index < count; ++index) {
    std::memcpy(payload.data(), &index, sizeof index);
    co_await socket.async_send_to(asio::buffer(payload), target, asio::use_awaitable);
    if (spacing.count() > 0) co_await host.sleep(spacing);
  }
}

asio::awaitable<void> receive_numbered(net::Host& host, net::Datagram& socket, Arrivals& arrivals) {
  std::array<std::uint8_t, 2048> buffer{};
  net::Endpoint sender;
  for (;;) {
    auto [error, size] =
        co_await socket.async_receive_from(asio::buffer(buffer), sender, use_tuple);
    if (error) co_return;
    std::uint64_t index = 0;
    std::memcpy(&index, buffer.data(), sizeof index);
    arrivals.indexes.push_back(index);
    arrivals.times.push_back(host.now());
  }
}

struct Pair {
  World world;
  Host& sender;
  Host& receiver;
  net::Datagram sender_socket;
  net::Datagram receiver_socket;
  Arrivals arrivals;

  Pair(WorldConfig config, HostConfig sender_config, HostConfig receiver_config)
      : world(std::move(config)),
        sender(world.add_host(std::move(sender_config))),
        receiver(world.add_host(std::move(receiver_config))),
        sender_socket(sender.open_udp({net::Address(), 0}).value()),
        receiver_socket(receiver.open_udp({net::Address(), test_port}).value()) {
    receiver.spawn(receive_numbered(receiver, receiver_socket, arrivals));
  }

  void send(std::size_t count, std::size_t size_bytes, Duration spacing) {
    sender.spawn(
        send_numbered(sender, sender_socket, endpoint_of(receiver), count, size_bytes, spacing));
    world.run();
  }
};

WorldConfig with_faults(const UdpFaults& faults) {
  WorldConfig config;
  config.seed = 99;
  config.udp.faults = faults;
  config.udp.receive_queue_datagrams_max = datagram_count * 2;
  return config;
}

// |measured - n p| within four standard deviations of a binomial(n, p).
void expect_binomial(std::size_t measured, std::size_t trials, double probability) {
  const double mean = static_cast<double>(trials) * probability;
  const double deviation = std::sqrt(static_cast<double>(trials) * probability * (1 - probability));
  EXPECT_NEAR(static_cast<double>(measured), mean, 4 * deviation);
}

TEST(Datagram, TravelsThroughBothLinksAndTheLatency) {
  // 1000 bytes: 1 ms on a 1 MB/s uplink, 5 + 20 + 5 ms of latency, 0.5 ms on a 2 MB/s downlink.
  WorldConfig config;
  config.core.fixed = 20ms;
  Pair pair(config, host_with(1'000'000, 0, 5ms), host_with(0, 2'000'000, 5ms));
  pair.send(1, 1000, 0ms);
  ASSERT_EQ(pair.arrivals.times.size(), 1u);
  EXPECT_EQ(pair.arrivals.times[0], TimePoint(31500us));
}

TEST(Datagram, BackToBackDatagramsArePacedByTheUplink) {
  Pair pair(WorldConfig{}, host_with(200'000, 0, 0ms), host_with(0, 0, 0ms));
  pair.send(100, 200, 0ms);
  ASSERT_EQ(pair.arrivals.times.size(), 100u);
  for (std::size_t i = 0; i < 100; ++i) {
    EXPECT_EQ(pair.arrivals.indexes[i], i);
    EXPECT_EQ(pair.arrivals.times[i], TimePoint(1ms * static_cast<std::int64_t>(i + 1)));
  }
}

TEST(Datagram, LossMatchesTheConfiguredRate) {
  constexpr double loss = 0.1;
  Pair pair(with_faults({.loss_probability = loss}), host_with(0, 0, 1ms), host_with(0, 0, 1ms));
  pair.send(datagram_count, 100, 0ms);
  const std::size_t delivered = pair.arrivals.indexes.size();
  expect_binomial(datagram_count - delivered, datagram_count, loss);
  EXPECT_EQ(pair.world.counters().network.datagrams_lost, datagram_count - delivered);
  // What arrives, arrives once and in order.
  EXPECT_TRUE(std::is_sorted(pair.arrivals.indexes.begin(), pair.arrivals.indexes.end()));
  EXPECT_EQ(std::adjacent_find(pair.arrivals.indexes.begin(), pair.arrivals.indexes.end()),
            pair.arrivals.indexes.end());
}

TEST(Datagram, DuplicationMatchesTheConfiguredRate) {
  constexpr double duplicate = 0.05;
  Pair pair(with_faults({.duplicate_probability = duplicate}), host_with(0, 0, 1ms),
            host_with(0, 0, 1ms));
  pair.send(datagram_count, 100, 0ms);
  const std::size_t extra = pair.arrivals.indexes.size() - datagram_count;
  expect_binomial(extra, datagram_count, duplicate);
}

TEST(Datagram, ReorderingHoldsSomeDatagramsBack) {
  constexpr double reorder = 0.1;
  Pair pair(with_faults({.reorder_probability = reorder, .reorder_delay_max = 5ms}),
            host_with(0, 0, 1ms), host_with(0, 0, 1ms));
  pair.send(datagram_count / 10, 100, 100us);
  const auto& indexes = pair.arrivals.indexes;
  ASSERT_EQ(indexes.size(), datagram_count / 10);
  std::size_t overtaken = 0;
  for (std::size_t i = 1; i < indexes.size(); ++i) {
    if (indexes[i] < indexes[i - 1]) ++overtaken;
  }
  EXPECT_GT(overtaken, 0u);
  expect_binomial(pair.world.counters().network.datagrams_reordered, datagram_count / 10, reorder);
}

TEST(Datagram, QueueLimitDropsWhatDoesNotFit) {
  // Ten datagrams of 1000 bytes at once into an uplink that holds 5000 bytes waiting (the first
  // leaves for the wire at once, so six get through).
  HostConfig sender = host_with(100'000, 0, 1ms);
  sender.link.queue_limit_bytes = 5000;
  Pair pair(WorldConfig{}, sender, host_with(0, 0, 1ms));
  pair.send(10, 1000, 0ms);
  EXPECT_EQ(pair.arrivals.indexes.size(), 6u);
  EXPECT_EQ(pair.world.counters().network.datagrams_dropped_queue, 4u);
}

TEST(Datagram, PartitionedDatagramsAreLost) {
  Pair pair(WorldConfig{}, host_with(0, 0, 1ms), host_with(0, 0, 1ms));
  const std::vector<HostId> side_a{pair.sender.id()};
  const std::vector<HostId> side_b{pair.receiver.id()};
  pair.world.partition(side_a, side_b, PartitionMode::one_way);
  pair.send(10, 100, 0ms);
  EXPECT_TRUE(pair.arrivals.indexes.empty());
  EXPECT_EQ(pair.world.counters().network.datagrams_dropped_unreachable, 10u);
}

}  // namespace
}  // namespace swarmlab::sim::test
