// Per-host rate limits of real hosts: the token bucket's arithmetic, then limited streams on
// loopback. The timed checks are lower bounds (a limit can only make a transfer slower) with
// generous upper bounds.
#include "net/real_host.hpp"
#include "net/token_bucket.hpp"
#include "tests/runtime/host_suite.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

namespace swarmlab::runtime_test {
namespace {

using namespace boost::asio::experimental::awaitable_operators;

constexpr net::TimePoint start = net::time_zero + 1s;

TEST(TokenBucket, StartsFullAndDrains) {
  net::TokenBucket bucket(1000, 500, start);
  EXPECT_EQ(bucket.take(800, start), 500u);
  EXPECT_EQ(bucket.take(1, start), 0u);
}

TEST(TokenBucket, RefillsAtItsRateUpToTheBurst) {
  net::TokenBucket bucket(1000, 500, start);
  ASSERT_EQ(bucket.take(500, start), 500u);
  EXPECT_EQ(bucket.take(1000, start + 100ms), 100u);
  EXPECT_EQ(bucket.take(1000, start + 100ms + 10s), 500u);
}

TEST(TokenBucket, ReadyAtIsWhenTheCreditSuffices) {
  net::TokenBucket bucket(1000, 500, start);
  ASSERT_EQ(bucket.take(500, start), 500u);
  EXPECT_EQ(bucket.ready_at(200, start), start + 200ms);
  // More than the burst never becomes available at once: wait for the burst only.
  EXPECT_EQ(bucket.ready_at(5000, start), start + 500ms);
  EXPECT_EQ(bucket.take(200, bucket.ready_at(200, start)), 200u);
  EXPECT_EQ(bucket.ready_at(0, start + 200ms), start + 200ms);
}

TEST(TokenBucket, ReadyAtRoundsUp) {
  net::TokenBucket bucket(3, 16, start);
  ASSERT_EQ(bucket.take(16, start), 16u);
  const net::TimePoint ready = bucket.ready_at(1, start);
  EXPECT_EQ(ready, start + net::Duration(333'333'334));
  EXPECT_EQ(bucket.take(1, ready), 1u);
}

TEST(TokenBucket, GiveBackReturnsUnusedCreditUpToTheBurst) {
  net::TokenBucket bucket(1000, 500, start);
  ASSERT_EQ(bucket.take(300, start), 300u);
  bucket.give_back(100);
  EXPECT_EQ(bucket.take(1000, start), 300u);
  bucket.give_back(10'000);
  EXPECT_EQ(bucket.take(1000, start), 500u);
}

// ---- Limited streams on loopback ---------------------------------------------------------------

constexpr std::uint64_t limit_bytes_per_second = 2'000'000;
constexpr std::size_t transfer_size_bytes = 600'000;
// RealHost's burst: a tenth of a second's worth.
constexpr std::size_t burst_bytes = limit_bytes_per_second / 10;
// A limited transfer cannot take less than this (the burst goes at once).
constexpr auto transfer_duration_min =
    std::chrono::milliseconds((transfer_size_bytes - burst_bytes) * 1000 / limit_bytes_per_second);
static_assert(transfer_duration_min.count() == 200);

struct TransferLog {
  net::Duration elapsed{};
  std::vector<std::uint8_t> received;
};

asio::awaitable<void> receive_everything(net::Host& host, net::Listener listener,
                                         TransferLog& log) {
  net::Stream stream = co_await listener.async_accept(asio::use_awaitable);
  listener.close();
  const net::TimePoint started = host.now();
  log.received.resize(transfer_size_bytes);
  co_await asio::async_read(stream, asio::buffer(log.received), asio::use_awaitable);
  log.elapsed = host.now() - started;
}

asio::awaitable<void> send_everything(net::Host& host, net::Endpoint server,
                                      std::span<const std::uint8_t> payload, TransferLog& log) {
  net::Stream stream = co_await host.async_connect(server, asio::use_awaitable);
  const net::TimePoint started = host.now();
  co_await asio::async_write(stream, asio::buffer(payload.data(), payload.size()),
                             asio::use_awaitable);
  log.elapsed = host.now() - started;
}

// Sends transfer_size_bytes from a client host to a server host, each with its own options.
void run_transfer(net::RealHostOptions server_options, net::RealHostOptions client_options,
                  TransferLog& server_log, TransferLog& client_log) {
  asio::io_context io_context;
  net::RealHost server(io_context, std::move(server_options));
  net::RealHost client(io_context, std::move(client_options));
  net::Listener listener = listen_on_free_port(server);
  const net::Endpoint target = reachable_endpoint(server, listener);
  const auto payload = random_bytes(client.rng(), transfer_size_bytes);
  server.spawn(receive_everything(server, std::move(listener), server_log));
  client.spawn(send_everything(client, target, payload, client_log));
  io_context.run_for(std::chrono::seconds(20));
  EXPECT_TRUE(io_context.stopped());
  EXPECT_TRUE(server_log.received == payload);
}

TEST(RealHostRateLimit, UploadLimitSlowsTheSender) {
  TransferLog server_log;
  TransferLog client_log;
  run_transfer({.addresses = {asio::ip::make_address("127.0.0.2")}, .seed = 1},
               {.addresses = {asio::ip::make_address("127.0.0.3")},
                .seed = 2,
                .upload_rate_bytes_per_second = limit_bytes_per_second},
               server_log, client_log);
  EXPECT_GE(client_log.elapsed, transfer_duration_min);
  EXPECT_LT(client_log.elapsed, 10s);
}

TEST(RealHostRateLimit, DownloadLimitSlowsTheReceiver) {
  TransferLog server_log;
  TransferLog client_log;
  run_transfer({.addresses = {asio::ip::make_address("127.0.0.2")},
                .seed = 1,
                .download_rate_bytes_per_second = limit_bytes_per_second},
               {.addresses = {asio::ip::make_address("127.0.0.3")}, .seed = 2}, server_log,
               client_log);
  EXPECT_GE(server_log.elapsed, transfer_duration_min);
  EXPECT_LT(server_log.elapsed, 10s);
}

TEST(RealHostRateLimit, UnlimitedTransferIsFasterThanTheLimit) {
  TransferLog server_log;
  TransferLog client_log;
  run_transfer({.addresses = {asio::ip::make_address("127.0.0.2")}, .seed = 1},
               {.addresses = {asio::ip::make_address("127.0.0.3")}, .seed = 2}, server_log,
               client_log);
  // Loopback moves 600 kB in a few milliseconds; far below the limited duration even on a busy
  // machine. Shows that the lower bounds above come from the limit.
  EXPECT_LT(server_log.elapsed, transfer_duration_min);
}

// A write waiting for upload credit is an operation like any other: `||` cancels it.
struct WaitOutcome {
  std::size_t first_write_bytes = 0;
  bool timer_won = false;
  net::Duration elapsed{};
};

asio::awaitable<void> write_past_the_burst(net::Host& host, net::Endpoint server,
                                           WaitOutcome& outcome) {
  net::Stream stream = co_await host.async_connect(server, asio::use_awaitable);
  const std::vector<std::uint8_t> chunk(64 * 1024, 7);
  outcome.first_write_bytes =
      co_await stream.async_write_some(asio::buffer(chunk), asio::use_awaitable);
  net::Timer timer = host.make_timer();
  const net::TimePoint started = host.now();
  timer.expires_at(started + 100ms);
  auto winner = co_await (stream.async_write_some(asio::buffer(chunk), asio::use_awaitable) ||
                          timer.async_wait(asio::use_awaitable));
  outcome.timer_won = winner.index() == 1;
  outcome.elapsed = host.now() - started;
}

asio::awaitable<void> accept_and_drain(net::Listener listener) {
  net::Stream stream = co_await listener.async_accept(asio::use_awaitable);
  listener.close();
  std::array<char, 4096> buffer{};
  for (int round = 0; round < 1000; ++round) {
    auto [error, size_bytes] = co_await stream.async_read_some(asio::buffer(buffer), use_tuple);
    if (error) break;
  }
}

TEST(RealHostRateLimit, WaitForCreditIsCancellable) {
  constexpr std::uint64_t slow_bytes_per_second = 1000;  // The second write would wait 16 s.
  asio::io_context io_context;
  net::RealHost server(io_context, {.addresses = {asio::ip::make_address("127.0.0.2")}});
  net::RealHost client(io_context, {.addresses = {asio::ip::make_address("127.0.0.3")},
                                    .seed = 2,
                                    .upload_rate_bytes_per_second = slow_bytes_per_second});
  net::Listener listener = listen_on_free_port(server);
  const net::Endpoint target = reachable_endpoint(server, listener);
  WaitOutcome outcome;
  server.spawn(accept_and_drain(std::move(listener)));
  client.spawn(write_past_the_burst(client, target, outcome));
  io_context.run_for(std::chrono::seconds(20));
  EXPECT_TRUE(io_context.stopped());
  EXPECT_EQ(outcome.first_write_bytes, 16u * 1024);  // The minimum burst.
  EXPECT_TRUE(outcome.timer_won);
  EXPECT_LT(outcome.elapsed, 5s);
}

}  // namespace
}  // namespace swarmlab::runtime_test
