// Fidelity hand cases: small networks whose answer is known analytically (transfer times, fair
// shares, handshake timings), checked against the simulator within the stated tolerances.
#include "tests/sim/sim_test_support.hpp"

#include <gtest/gtest.h>

namespace swarmlab::sim::test {
namespace {

constexpr std::uint64_t megabyte = 1'000'000;
// Long enough that no flow finishes inside a measurement window.
constexpr std::uint64_t endless_bytes = 1'000'000'000;

double seconds_of(TimePoint time) {
  return net::to_seconds(time.time_since_epoch());
}

// Average rate in bytes per second of `receipt` between two samples.
double rate(const std::vector<std::uint64_t>& samples, Duration window) {
  return static_cast<double>(samples[1] - samples[0]) / net::to_seconds(window);
}

TEST(Fidelity, SingleTransferTakesLatencyPlusSizeOverRate) {
  // One-way latency L = 10 + 10 ms; uplink R = 1 MB/s; S = 4 MB. The data finishes arriving at
  // one round trip (the connect) + L + S / R.
  constexpr std::uint64_t size = 4 * megabyte;
  World world;
  Host& sender = world.add_host(host_with(megabyte, 0, 10ms));
  Host& receiver = world.add_host(host_with(0, 0, 10ms));
  std::vector<Receipt> receipts(1);
  receiver.spawn(accept_bulk(receiver, listen_or_die(receiver), receipts));
  sender.spawn(bulk_send(sender, endpoint_of(receiver), size));
  world.run();

  const double expected = 0.040 + 0.020 + static_cast<double>(size) / megabyte;
  EXPECT_EQ(receipts[0].bytes, size);
  EXPECT_TRUE(receipts[0].in_order);
  EXPECT_EQ(receipts[0].end, boost::asio::error::eof);
  EXPECT_NEAR(seconds_of(receipts[0].connected), 0.020, 1e-9);
  EXPECT_NEAR(seconds_of(receipts[0].last_byte), expected, expected * 0.01);
}

TEST(Fidelity, FlowsLeavingOneHostShareItsUplinkEqually) {
  constexpr std::size_t flow_count = 4;
  World world;
  Host& sender = world.add_host(host_with(4 * megabyte, 0, 5ms));
  std::vector<std::vector<Receipt>> receipts(flow_count, std::vector<Receipt>(1));
  for (std::size_t i = 0; i < flow_count; ++i) {
    Host& receiver = world.add_host(host_with(0, 0, 5ms));
    receiver.spawn(accept_bulk(receiver, listen_or_die(receiver), receipts[i]));
    sender.spawn(bulk_send(sender, endpoint_of(receiver), endless_bytes));
  }
  std::vector<std::vector<std::uint64_t>> samples(flow_count);
  for (std::size_t i = 0; i < flow_count; ++i) {
    sample_at(world, {TimePoint(1s), TimePoint(3s)}, samples[i],
              [&receipts, i] { return receipts[i][0].bytes; });
  }
  world.run_until(TimePoint(3s));

  for (std::size_t i = 0; i < flow_count; ++i) {
    EXPECT_NEAR(rate(samples[i], 2s), 1.0 * megabyte, 0.02 * megabyte) << "flow " << i;
  }
}

TEST(Fidelity, TwoSendersIntoOneReceiverShareItsDownlink) {
  World world;
  Host& receiver = world.add_host(host_with(0, 4 * megabyte, 5ms));
  std::vector<Receipt> receipts(2);
  receiver.spawn(accept_bulk(receiver, listen_or_die(receiver), receipts));
  for (int i = 0; i < 2; ++i) {
    Host& sender = world.add_host(host_with(10 * megabyte, 0, 5ms));
    sender.spawn(bulk_send(sender, endpoint_of(receiver), endless_bytes));
  }
  std::vector<std::vector<std::uint64_t>> samples(2);
  for (std::size_t i = 0; i < 2; ++i) {
    sample_at(world, {TimePoint(1s), TimePoint(3s)}, samples[i],
              [&receipts, i] { return receipts[i].bytes; });
  }
  world.run_until(TimePoint(3s));

  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_NEAR(rate(samples[i], 2s), 2.0 * megabyte, 0.02 * megabyte) << "sender " << i;
  }
}

TEST(Fidelity, MaxMinSharingAcrossUplinksAndDownlinks) {
  // A (up 6) -> C, A -> D, B (up 10) -> C; C down 6, D down 10 (MB/s). Max-min fair rates: C's
  // downlink splits 3/3 between A->C and B->C, so A->D gets the other half of A's uplink: 3 each.
  World world;
  Host& a = world.add_host(host_with(6 * megabyte, 0, 5ms));
  Host& b = world.add_host(host_with(10 * megabyte, 0, 5ms));
  Host& c = world.add_host(host_with(0, 6 * megabyte, 5ms));
  Host& d = world.add_host(host_with(0, 10 * megabyte, 5ms));
  std::vector<Receipt> at_c(2);
  std::vector<Receipt> at_d(1);
  c.spawn(accept_bulk(c, listen_or_die(c), at_c));
  d.spawn(accept_bulk(d, listen_or_die(d), at_d));
  // Connects are staggered so that C accepts A's stream first.
  a.spawn(bulk_send(a, endpoint_of(c), endless_bytes));
  world.run_until(TimePoint(1ms));
  a.spawn(bulk_send(a, endpoint_of(d), endless_bytes));
  b.spawn(bulk_send(b, endpoint_of(c), endless_bytes));
  std::vector<std::uint64_t> a_to_c;
  std::vector<std::uint64_t> b_to_c;
  std::vector<std::uint64_t> a_to_d;
  const std::vector<TimePoint> window{TimePoint(1s), TimePoint(3s)};
  sample_at(world, window, a_to_c, [&] { return at_c[0].bytes; });
  sample_at(world, window, b_to_c, [&] { return at_c[1].bytes; });
  sample_at(world, window, a_to_d, [&] { return at_d[0].bytes; });
  world.run_until(TimePoint(3s));

  EXPECT_NEAR(rate(a_to_c, 2s), 3.0 * megabyte, 0.02 * 3 * megabyte);
  EXPECT_NEAR(rate(b_to_c, 2s), 3.0 * megabyte, 0.02 * 3 * megabyte);
  EXPECT_NEAR(rate(a_to_d, 2s), 3.0 * megabyte, 0.02 * 3 * megabyte);
}

// Seconds from when `probe_at` writes 100 bytes until they are read, on a 128 kbps uplink that
// four bulk flows keep busy.
double small_message_delay(Duration link_turn) {
  constexpr std::uint64_t uplink = 16'000;
  constexpr std::uint64_t probe_bytes = 100;
  const TimePoint probe_at(5s);
  WorldConfig config;
  config.link_turn = link_turn;
  World world(config);
  Host& sender = world.add_host(host_with(uplink, 0, 5ms));
  std::vector<std::vector<Receipt>> receipts(5, std::vector<Receipt>(1));
  Host* probe_target = nullptr;
  for (std::size_t i = 0; i < receipts.size(); ++i) {
    Host& receiver = world.add_host(host_with(0, 0, 5ms));
    receiver.spawn(accept_bulk(receiver, listen_or_die(receiver), receipts[i]));
    if (i < 4) sender.spawn(bulk_send(sender, endpoint_of(receiver), endless_bytes));
    probe_target = &receiver;
  }
  // The probe's connect is a round trip (20 ms) and touches no link.
  world.at(probe_at - 20ms,
           [&] { sender.spawn(bulk_send(sender, endpoint_of(*probe_target), probe_bytes)); });
  world.run_until(probe_at + 10s);
  EXPECT_EQ(receipts[4][0].bytes, probe_bytes);
  return seconds_of(receipts[4][0].last_byte) - seconds_of(probe_at);
}

TEST(Fidelity, LinkTurnBoundsTheWaitOfASmallMessageBehindBulkFlows) {
  // Message-level turns: the probe waits for each bulk flow's 16 KiB turn, about 1 s each.
  EXPECT_GT(small_message_delay(0ms), 3.0);
  // 20 ms turns (1,500 bytes at this rate, 94 ms): a few turns of the bulk flows, not seconds.
  EXPECT_LT(small_message_delay(20ms), 5 * 0.094 + 0.03);
}

TEST(Fidelity, LinkCapacityChangeAppliesToAFlowInProgress) {
  // 1 MB/s for the first second, then 2 MB/s: 3 MB take 1 s + 2 MB / 2 MB/s = 2 s of sending.
  constexpr std::uint64_t size = 3 * megabyte;
  World world;
  Host& sender = world.add_host(host_with(megabyte, 0, 0ms));
  Host& receiver = world.add_host(host_with(0, 0, 0ms));
  std::vector<Receipt> receipts(1);
  receiver.spawn(accept_bulk(receiver, listen_or_die(receiver), receipts));
  sender.spawn(bulk_send(sender, endpoint_of(receiver), size));
  world.at(TimePoint(1s), [&] { world.set_link(sender.id(), host_with(2 * megabyte, 0).link); });
  world.run();

  EXPECT_EQ(receipts[0].bytes, size);
  EXPECT_NEAR(seconds_of(receipts[0].last_byte), 2.0, 2.0 * 0.01);
}

TEST(Fidelity, ConnectWhereNothingListensIsRefusedAfterOneRoundTrip) {
  WorldConfig config;
  config.core.fixed = 11ms;
  World world(config);
  Host& client = world.add_host(host_with(0, 0, 7ms));
  Host& server = world.add_host(host_with(0, 0, 7ms));
  net::error_code result;
  TimePoint finished{};
  client.spawn([](Host& host, net::Endpoint target, net::error_code& out,
                  TimePoint& at) -> asio::awaitable<void> {
    auto [error, stream] = co_await host.async_connect(target, use_tuple);
    out = error;
    at = host.now();
  }(client, endpoint_of(server), result, finished));
  world.run();

  EXPECT_EQ(result, boost::asio::error::connection_refused);
  EXPECT_EQ(finished, TimePoint(2 * (7ms + 11ms + 7ms)));
}

TEST(Fidelity, ConnectToAnUnreachableHostTimesOut) {
  WorldConfig config;
  config.stream.connect_timeout = 3s;
  World world(config);
  Host& client = world.add_host(host_with(0, 0, 5ms));
  Host& down = world.add_host(host_with(0, 0, 5ms));
  Host& cut_off = world.add_host(host_with(0, 0, 5ms));
  auto listener_down = listen_or_die(down);
  auto listener_cut_off = listen_or_die(cut_off);
  world.crash(down.id());
  const std::vector<HostId> side_a{client.id()};
  const std::vector<HostId> side_b{cut_off.id()};
  world.partition(side_a, side_b, PartitionMode::one_way);
  std::vector<net::error_code> results(3);
  std::vector<TimePoint> finished(3);
  const std::vector<net::Endpoint> targets{
      endpoint_of(down),
      endpoint_of(cut_off),
      {boost::asio::ip::make_address("10.200.0.1"), test_port}};
  for (std::size_t i = 0; i < targets.size(); ++i) {
    client.spawn([](Host& host, net::Endpoint target, net::error_code& out,
                    TimePoint& at) -> asio::awaitable<void> {
      auto [error, stream] = co_await host.async_connect(target, use_tuple);
      out = error;
      at = host.now();
    }(client, targets[i], results[i], finished[i]));
  }
  world.run();

  for (std::size_t i = 0; i < targets.size(); ++i) {
    EXPECT_EQ(results[i], boost::asio::error::timed_out) << "target " << i;
    EXPECT_EQ(finished[i], TimePoint(3s)) << "target " << i;
  }
}

}  // namespace
}  // namespace swarmlab::sim::test
