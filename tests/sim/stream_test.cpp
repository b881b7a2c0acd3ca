// Streams and latency models: IPv6, partial reads, resets for bytes sent to a closed end, and the
// core latency models.
#include "sim/limits.hpp"
#include "tests/sim/sim_test_support.hpp"

#include <gtest/gtest.h>
#include <boost/asio/read.hpp>
#include <set>

namespace swarmlab::sim::test {
namespace {

TEST(Stream, ConnectsOverIpv6) {
  World world;
  HostConfig config = host_with(0, 0, 3ms);
  config.ipv6 = true;
  Host& client = world.add_host(config);
  Host& server = world.add_host(config);
  ASSERT_EQ(server.addresses().size(), 2u);
  ASSERT_TRUE(server.addresses()[1].is_v6());
  std::vector<Receipt> receipts(1);
  server.spawn(accept_bulk(server, listen_or_die(server), receipts));
  client.spawn(bulk_send(client, {server.addresses()[1], test_port}, 5000));
  world.run();
  EXPECT_EQ(receipts[0].bytes, 5000u);
  EXPECT_TRUE(receipts[0].in_order);
  EXPECT_EQ(receipts[0].connected, TimePoint(6ms));
}

TEST(Stream, ReadsReturnWhatIsThereUpToTheBuffer) {
  World world;
  Host& client = world.add_host(host_with(0, 0, 1ms));
  Host& server = world.add_host(host_with(0, 0, 1ms));
  std::vector<std::size_t> sizes;
  server.spawn([](net::Listener listener, std::vector<std::size_t>& out) -> asio::awaitable<void> {
    net::Stream stream = co_await listener.async_accept(asio::use_awaitable);
    std::array<char, 4> buffer{};
    for (;;) {
      auto [error, count] = co_await stream.async_read_some(asio::buffer(buffer), use_tuple);
      if (error) break;
      out.push_back(count);
    }
  }(listen_or_die(server), sizes));
  client.spawn([](Host& host, net::Endpoint target) -> asio::awaitable<void> {
    net::Stream stream = co_await host.async_connect(target, asio::use_awaitable);
    co_await asio::async_write(stream, asio::buffer(std::string("0123456789")),
                               asio::use_awaitable);
  }(client, endpoint_of(server)));
  world.run();
  EXPECT_EQ(sizes, (std::vector<std::size_t>{4, 4, 2}));
}

// Writes `size` bytes at once over rate-limited links; returns the sizes of the reads that got them
// and, through `chunks`, how many chunks crossed.
std::vector<std::size_t> read_sizes_of_one_write(std::size_t size, std::uint64_t& chunks) {
  World world;
  Host& client = world.add_host(host_with(100'000, 100'000, 1ms));
  Host& server = world.add_host(host_with(100'000, 100'000, 1ms));
  std::vector<std::size_t> sizes;
  server.spawn([](net::Listener listener, std::vector<std::size_t>& out) -> asio::awaitable<void> {
    net::Stream stream = co_await listener.async_accept(asio::use_awaitable);
    std::vector<char> buffer(1 << 20);
    for (;;) {
      auto [error, count] = co_await stream.async_read_some(asio::buffer(buffer), use_tuple);
      if (error) break;
      out.push_back(count);
    }
  }(listen_or_die(server), sizes));
  client.spawn([](Host& host, net::Endpoint target, std::size_t bytes) -> asio::awaitable<void> {
    net::Stream stream = co_await host.async_connect(target, asio::use_awaitable);
    co_await asio::async_write(stream, asio::buffer(std::vector<char>(bytes, 'x')),
                               asio::use_awaitable);
  }(client, endpoint_of(server), size));
  world.run();
  chunks = world.network_counters().stream_chunks;
  return sizes;
}

TEST(Stream, AChunkTakesARuntAlongAndNoMore) {
  const std::size_t chunk = World().config().chunk_bytes;
  std::uint64_t chunks = 0;
  // A block message: 16 KiB and a 13-byte header.
  EXPECT_EQ(read_sizes_of_one_write(chunk + 13, chunks), (std::vector<std::size_t>{chunk + 13}));
  EXPECT_EQ(chunks, 1u);
  EXPECT_EQ(read_sizes_of_one_write(chunk + chunk_runt_bytes_max, chunks),
            (std::vector<std::size_t>{chunk + chunk_runt_bytes_max}));
  EXPECT_EQ(chunks, 1u);
  EXPECT_EQ(read_sizes_of_one_write(chunk + chunk_runt_bytes_max + 1, chunks),
            (std::vector<std::size_t>{chunk, chunk_runt_bytes_max + 1}));
  EXPECT_EQ(chunks, 2u);
}

TEST(Stream, WriteRoomIsWhatTryWriteTakesWhole) {
  World world;
  // A slow uplink, so that written bytes stay in the send buffer.
  Host& client = world.add_host(host_with(1000, 0, 1ms));
  Host& server = world.add_host(host_with(0, 0, 1ms));
  const std::size_t buffer_bytes = world.config().stream.send_buffer_bytes;
  struct Step {
    std::size_t room;
    std::size_t taken;
  };
  std::vector<Step> steps;
  std::size_t room_after_close = 1;
  server.spawn([](net::Listener listener) -> asio::awaitable<void> {
    net::Stream stream = co_await listener.async_accept(asio::use_awaitable);
    std::array<char, 64> buffer{};
    co_await stream.async_read_some(asio::buffer(buffer), use_tuple);
  }(listen_or_die(server)));
  client.spawn([](Host& host, net::Endpoint target, std::size_t room_bytes, std::vector<Step>& out,
                  std::size_t& closed_room) -> asio::awaitable<void> {
    net::Stream stream = co_await host.async_connect(target, asio::use_awaitable);
    const std::vector<std::uint8_t> bytes(room_bytes / 3, 7);
    for (int write = 0; write < 3; ++write) {
      const std::size_t room = stream.write_room();
      const net::Result<std::size_t> taken = stream.try_write_some(asio::buffer(bytes));
      out.push_back({room, taken ? *taken : 0});
    }
    stream.close();
    closed_room = stream.write_room();
  }(client, endpoint_of(server), buffer_bytes, steps, room_after_close));
  world.run_for(1s);
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[0].room, buffer_bytes);
  for (const Step& step : steps)
    EXPECT_EQ(step.taken, std::min(step.room, buffer_bytes / 3)) << step.room;
  // Each write left less room.
  EXPECT_LT(steps[1].room, steps[0].room);
  EXPECT_LT(steps[2].room, steps[1].room);
  EXPECT_EQ(room_after_close, 0u);
}

TEST(Stream, BytesSentToAClosedEndResetTheWriter) {
  World world;
  Host& client = world.add_host(host_with(0, 0, 2ms));
  Host& server = world.add_host(host_with(0, 0, 2ms));
  net::error_code writer_end;
  TimePoint writer_end_at{};
  server.spawn([](net::Listener listener) -> asio::awaitable<void> {
    net::Stream stream = co_await listener.async_accept(asio::use_awaitable);
    stream.close();
  }(listen_or_die(server)));
  client.spawn([](Host& host, net::Endpoint target, net::error_code& end,
                  TimePoint& at) -> asio::awaitable<void> {
    net::Stream stream = co_await host.async_connect(target, asio::use_awaitable);
    co_await host.sleep(10ms);
    std::array<std::uint8_t, 100> data{};
    for (int i = 0; i < 10; ++i) {
      auto [error, count] = co_await asio::async_write(stream, asio::buffer(data), use_tuple);
      if (error) {
        end = error;
        break;
      }
      co_await host.sleep(5ms);
    }
    at = host.now();
  }(client, endpoint_of(server), writer_end, writer_end_at));
  world.run();
  EXPECT_EQ(writer_end, boost::asio::error::connection_reset);
  // Written at 18 ms (connect 8 ms + 10 ms), at the server 4 ms later, the reset back 4 ms later;
  // the next write after that (at 28 ms) fails.
  EXPECT_EQ(writer_end_at, TimePoint(28ms));
}

TEST(Latency, RegionMatrixAndPairModels) {
  WorldConfig matrix;
  matrix.core.model = CoreLatency::Model::region_matrix;
  matrix.core.region_count = 2;
  matrix.core.region_matrix = {1ms, 50ms, 60ms, 2ms};
  World regional(matrix);
  HostConfig europe = host_with(0, 0, 1ms);
  HostConfig america = europe;
  america.region = 1;
  Host& a = regional.add_host(europe);
  Host& b = regional.add_host(america);
  EXPECT_EQ(regional.latency(a, b), 52ms);
  EXPECT_EQ(regional.latency(b, a), 62ms);
  EXPECT_EQ(regional.latency(a, a), 3ms);

  WorldConfig pairs;
  pairs.core.model = CoreLatency::Model::pair_uniform;
  pairs.core.pair_min = 10ms;
  pairs.core.pair_max = 90ms;
  World world(pairs);
  std::vector<Host*> hosts;
  for (int i = 0; i < 20; ++i)
    hosts.push_back(&world.add_host());
  std::set<Duration::rep> distinct;
  for (Host* from : hosts) {
    for (Host* to : hosts) {
      const Duration latency = world.latency(*from, *to);
      EXPECT_GE(latency, 10ms);
      EXPECT_LE(latency, 90ms);
      EXPECT_EQ(latency, world.latency(*to, *from));
      distinct.insert(latency.count());
    }
  }
  EXPECT_GT(distinct.size(), 150u);
  // Stable for a seed: a second world draws the same pair latencies.
  World again(pairs);
  std::vector<Host*> same;
  for (int i = 0; i < 20; ++i)
    same.push_back(&again.add_host());
  EXPECT_EQ(world.latency(*hosts[3], *hosts[17]), again.latency(*same[3], *same[17]));
}

}  // namespace
}  // namespace swarmlab::sim::test
