// UDP sockets and timers, on every backend.
#include "tests/runtime/host_suite.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/strand.hpp>

#include <string>

namespace swarmlab::runtime_test {
namespace {

using namespace boost::asio::experimental::awaitable_operators;

net::Datagram open_udp_on_free_port(net::Host& host) {
  auto socket = host.open_udp({host.addresses().front(), 0});
  EXPECT_TRUE(socket.has_value()) << socket.error().message();
  return std::move(socket).value();
}

TEST_P(HostSuite, UdpRequestResponse) {
  constexpr std::size_t request_count = 20;
  net::Host& server = world->add_host();
  net::Host& client = world->add_host();
  net::Datagram server_socket = open_udp_on_free_port(server);
  net::Datagram client_socket = open_udp_on_free_port(client);
  const net::Endpoint server_endpoint{server.addresses().front(),
                                      server_socket.local_endpoint().port};
  const net::Endpoint client_endpoint = client_socket.local_endpoint();
  EXPECT_EQ(client_endpoint.address, client.addresses().front());
  UdpLog server_log;
  UdpLog client_log;
  server.spawn(serve_udp(std::move(server_socket), request_count, server_log));
  client.spawn(
      query_udp(client, std::move(client_socket), server_endpoint, request_count, 2s, client_log));

  ASSERT_TRUE(world->run_until_idle(run_limit));
  EXPECT_EQ(client_log.timeouts, 0u);
  ASSERT_EQ(server_log.messages.size(), request_count);
  ASSERT_EQ(client_log.messages.size(), request_count);
  for (std::size_t i = 0; i < request_count; ++i) {
    const std::string request = "request " + std::to_string(i);
    EXPECT_EQ(server_log.messages[i], request);
    EXPECT_EQ(server_log.senders[i], client_endpoint);
    EXPECT_EQ(client_log.messages[i], "re:" + request);
    EXPECT_EQ(client_log.senders[i], server_endpoint);
  }
}

TEST_P(HostSuite, TickerTicksOnTime) {
  constexpr std::size_t tick_count = 10;
  constexpr net::Duration period = 20ms;
  net::Host& host = world->add_host();
  TickerLog log;
  host.spawn(tick(host, tick_count, period, log));

  ASSERT_TRUE(world->run_until_idle(run_limit));
  ASSERT_EQ(log.ticks.size(), tick_count);
  for (std::size_t k = 1; k <= tick_count; ++k) {
    // A timer never fires early; on real sockets it may fire late, within reason.
    const net::TimePoint due = log.started + static_cast<std::int64_t>(k) * period;
    EXPECT_GE(log.ticks[k - 1], due) << "tick " << k;
    EXPECT_LT(log.ticks[k - 1], due + 2s) << "tick " << k;
  }
}

asio::awaitable<void> sleep_in_steps(net::Host& host, std::size_t step_count, net::Duration step,
                                     net::Duration& elapsed) {
  const net::TimePoint started = host.now();
  for (std::size_t i = 0; i < step_count; ++i)
    co_await host.sleep(step);
  elapsed = host.now() - started;
}

TEST_P(HostSuite, SleepWaitsItsDuration) {
  net::Host& host = world->add_host();
  net::Duration elapsed{};
  const net::TimePoint started = world->now();
  host.spawn(sleep_in_steps(host, 3, 30ms, elapsed));

  ASSERT_TRUE(world->run_until_idle(run_limit));
  EXPECT_GE(elapsed, 90ms);
  EXPECT_LT(elapsed, 5s);
  EXPECT_GE(world->now() - started, 90ms);
}

// A writer-style wake-up: one task parks on a timer that never expires, another cancels it.
asio::awaitable<void> park(net::Timer& timer, net::error_code& woken_by) {
  timer.expires_at(net::time_max);
  auto [error] = co_await timer.async_wait(use_tuple);
  woken_by = error;
}

asio::awaitable<void> wake_after(net::Host& host, net::Duration delay, net::Timer& timer,
                                 std::size_t& cancelled) {
  co_await host.sleep(delay);
  cancelled = timer.cancel();
}

TEST_P(HostSuite, TimerCancelWakesItsWaiter) {
  net::Host& host = world->add_host();
  net::Timer timer = host.make_timer();
  net::error_code woken_by;
  std::size_t cancelled = 0;
  host.spawn(park(timer, woken_by));
  host.spawn(wake_after(host, 20ms, timer, cancelled));

  ASSERT_TRUE(world->run_until_idle(run_limit));
  EXPECT_EQ(cancelled, 1u);
  EXPECT_EQ(woken_by, asio::error::operation_aborted) << woken_by.message();
}

// A handler with an executor of its own (here a strand) completes there, not on the object's.
TEST_P(HostSuite, HandlerRunsOnItsOwnExecutor) {
  net::Host& host = world->add_host();
  net::Timer timer = host.make_timer();
  auto strand = asio::make_strand(host.get_executor());
  bool completed = false;
  bool on_strand = false;
  timer.expires_after(10ms, host.now());
  timer.async_wait(asio::bind_executor(strand, [&](net::error_code error) {
    EXPECT_FALSE(error) << error.message();
    completed = true;
    on_strand = strand.running_in_this_thread();
  }));
  EXPECT_FALSE(completed);

  ASSERT_TRUE(world->run_until_idle(run_limit));
  EXPECT_TRUE(completed);
  EXPECT_TRUE(on_strand);
}

}  // namespace
}  // namespace swarmlab::runtime_test
