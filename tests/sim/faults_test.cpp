// Faults: partitions stall streams (and reset them if they last), healing resumes them with no
// byte lost or reordered, a crash kills a host's connections and tasks, a restart brings it back.
#include "tests/sim/sim_test_support.hpp"

#include <gtest/gtest.h>

namespace swarmlab::sim::test {
namespace {

constexpr std::uint64_t megabyte = 1'000'000;

WorldConfig with_stall_timeout(Duration stall_timeout) {
  WorldConfig config;
  config.stream.stall_timeout = stall_timeout;
  return config;
}

TEST(Faults, PartitionStallsAStreamThenResetsIt) {
  World world(with_stall_timeout(2s));
  Host& sender = world.add_host(host_with(megabyte, 0, 5ms));
  Host& receiver = world.add_host(host_with(0, 0, 5ms));
  std::vector<Receipt> receipts(1);
  receiver.spawn(accept_bulk(receiver, listen_or_die(receiver), receipts));
  net::error_code sender_end;
  sender.spawn(bulk_send(sender, endpoint_of(receiver), 100 * megabyte, &sender_end));
  std::uint64_t bytes_at_cut = 0;
  std::uint64_t bytes_before_reset = 0;
  const std::vector<HostId> side_a{sender.id()};
  const std::vector<HostId> side_b{receiver.id()};
  world.at(TimePoint(1s), [&] {
    world.partition(side_a, side_b);
    bytes_at_cut = receipts[0].bytes;
  });
  world.at(TimePoint(2900ms), [&] { bytes_before_reset = receipts[0].bytes; });
  world.run_until(TimePoint(5s));

  // What was on the wire when the cut came still arrives (one chunk in serialisation plus one
  // latency's worth); nothing after.
  EXPECT_LE(receipts[0].bytes, bytes_at_cut + 16 * 1024 + megabyte / 100 + 16 * 1024);
  EXPECT_EQ(receipts[0].bytes, bytes_before_reset);
  EXPECT_TRUE(receipts[0].in_order);
  ASSERT_TRUE(receipts[0].ended);
  EXPECT_EQ(receipts[0].end, boost::asio::error::connection_reset);
  EXPECT_EQ(sender_end, boost::asio::error::connection_reset);
  // The stall starts at the first chunk the sender tries after the cut (within one chunk's
  // serialisation time, 16.4 ms at 1 MB/s); the reset follows stall_timeout later.
  EXPECT_GE(receipts[0].ended_at, TimePoint(3s));
  EXPECT_LE(receipts[0].ended_at, TimePoint(3s + 17ms));
  EXPECT_EQ(world.counters().network.connections_reset, 2u);
}

TEST(Faults, HealedPartitionResumesTheStreamLosingNothing) {
  constexpr std::uint64_t size = 3 * megabyte;
  World world(with_stall_timeout(10s));
  Host& sender = world.add_host(host_with(megabyte, 0, 5ms));
  Host& receiver = world.add_host(host_with(0, 0, 5ms));
  std::vector<Receipt> receipts(1);
  receiver.spawn(accept_bulk(receiver, listen_or_die(receiver), receipts));
  sender.spawn(bulk_send(sender, endpoint_of(receiver), size));
  const std::vector<HostId> side_a{sender.id()};
  const std::vector<HostId> side_b{receiver.id()};
  std::optional<PartitionId> cut;
  std::uint64_t bytes_during_cut = 0;
  world.at(TimePoint(1s), [&] { cut = world.partition(side_a, side_b, PartitionMode::one_way); });
  world.at(TimePoint(1900ms), [&] { bytes_during_cut = receipts[0].bytes; });
  world.at(TimePoint(2s), [&] { world.heal(*cut); });
  world.run();

  EXPECT_LT(bytes_during_cut, megabyte + 64 * 1024);
  EXPECT_EQ(receipts[0].bytes, size);
  EXPECT_TRUE(receipts[0].in_order);
  EXPECT_EQ(receipts[0].end, boost::asio::error::eof);
  // 3 s of sending plus the 1 s pause (to within a chunk and the latencies).
  EXPECT_NEAR(net::to_seconds(receipts[0].last_byte.time_since_epoch()), 4.03, 0.05);
  EXPECT_EQ(world.counters().network.connections_reset, 0u);
}

struct ReadOutcome {
  net::error_code error;
  TimePoint at{};
  bool done = false;
};

asio::awaitable<void> read_once(net::Host& host, net::Stream& stream, ReadOutcome& outcome) {
  std::array<std::uint8_t, 16> buffer{};
  auto [error, count] = co_await stream.async_read_some(asio::buffer(buffer), use_tuple);
  outcome.error = error;
  outcome.at = host.now();
  outcome.done = true;
}

TEST(Faults, CrashedHostsPeersSeeTheirConnectionsDie) {
  WorldConfig config;
  config.core.fixed = 10ms;
  World world(config);
  Host& survivor = world.add_host(host_with(0, 0, 5ms));
  Host& victim = world.add_host(host_with(0, 0, 5ms));
  net::Listener listener = listen_or_die(victim);
  net::Stream accepted;
  net::Stream connected;
  ReadOutcome survivor_read;
  bool victim_task_exited = false;
  net::error_code victim_exit;
  victim.spawn(
      [](net::Host& host, net::Listener& l, net::Stream& out) -> asio::awaitable<void> {
        out = co_await l.async_accept(asio::use_awaitable);
        co_await host.sleep(1h);
      }(victim, listener, accepted),
      [&](std::exception_ptr failure) {
        victim_task_exited = true;
        victim_exit = failure ? boost::asio::error::operation_aborted : net::error_code();
      });
  survivor.spawn([](net::Host& host, net::Endpoint target, net::Stream& out,
                    ReadOutcome& outcome) -> asio::awaitable<void> {
    out = co_await host.async_connect(target, asio::use_awaitable);
    co_await read_once(host, out, outcome);
  }(survivor, endpoint_of(victim), connected, survivor_read));
  world.at(TimePoint(1s), [&] { world.crash(victim.id()); });
  world.run_until(TimePoint(2s));

  EXPECT_TRUE(victim_task_exited);
  EXPECT_EQ(victim_exit, boost::asio::error::operation_aborted);
  EXPECT_EQ(victim.task_count(), 0u);
  ASSERT_TRUE(survivor_read.done);
  EXPECT_EQ(survivor_read.error, boost::asio::error::connection_reset);
  // The news travels one way: 5 + 10 + 5 ms.
  EXPECT_EQ(survivor_read.at, TimePoint(1s + 20ms));
  // A crash loses the host's sockets: its port is free again, and nothing answers there.
  EXPECT_FALSE(victim.up());
  EXPECT_EQ(victim.find_listener(test_port), nullptr);
}

TEST(Faults, RestartedHostServesAgain) {
  World world;
  Host& client = world.add_host(host_with(0, 0, 5ms));
  Host& server = world.add_host(host_with(0, 0, 5ms));
  std::vector<Receipt> before(1);
  std::vector<Receipt> after(1);
  server.spawn(accept_bulk(server, listen_or_die(server), before));
  world.at(TimePoint(1s), [&] { world.crash(server.id()); });
  world.at(TimePoint(2s), [&] {
    world.restart(server.id());
    server.spawn(accept_bulk(server, listen_or_die(server), after));
    client.spawn(bulk_send(client, endpoint_of(server), 1000));
  });
  net::error_code refused_while_down;
  world.at(TimePoint(1500ms), [&] {
    client.spawn(
        [](net::Host& host, net::Endpoint target, net::error_code& out) -> asio::awaitable<void> {
          auto [error, stream] = co_await host.async_connect(target, use_tuple);
          out = error;
        }(client, endpoint_of(server), refused_while_down));
  });
  world.run_until(TimePoint(30s));

  EXPECT_EQ(before[0].bytes, 0u);
  EXPECT_EQ(refused_while_down, boost::asio::error::timed_out);
  EXPECT_EQ(after[0].bytes, 1000u);
  EXPECT_TRUE(after[0].in_order);
  EXPECT_EQ(after[0].end, boost::asio::error::eof);
}

}  // namespace
}  // namespace swarmlab::sim::test
