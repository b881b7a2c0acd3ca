// UDP sockets and timers, on every backend.
#include "tests/runtime/host_suite.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/strand.hpp>

#include <array>
#include <string>
#include <vector>

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

// A burst server in the style of the tracker's UDP loop: one asynchronous receive, then whatever
// try_receive_from hands over at once; replies go through try_send_to, or asynchronously when the
// socket (or the backend) cannot take them without waiting.
struct BurstLog {
  std::vector<std::string> messages;
  std::size_t taken_at_once = 0;
  net::error_code idle_receive;
};

asio::awaitable<void> serve_bursts(net::Datagram socket, std::size_t request_count, BurstLog& log) {
  std::array<char, 256> buffer{};
  net::Endpoint sender;
  const auto idle = socket.try_receive_from(asio::buffer(buffer), sender);
  log.idle_receive = idle ? net::error_code() : idle.error();
  const auto answer = [&](std::size_t size) -> bool {
    log.messages.emplace_back(buffer.data(), size);
    const auto sent = socket.try_send_to(asio::buffer(buffer.data(), size), sender);
    if (sent) {
      EXPECT_EQ(*sent, size);
    }
    return sent || sent.error() != asio::error::would_block;
  };
  while (log.messages.size() < request_count) {
    const auto [error, size] =
        co_await socket.async_receive_from(asio::buffer(buffer), sender, use_tuple);
    EXPECT_FALSE(error) << error.message();
    if (!answer(size))
      co_await socket.async_send_to(asio::buffer(buffer.data(), size), sender, use_tuple);
    while (log.messages.size() < request_count) {
      const auto received = socket.try_receive_from(asio::buffer(buffer), sender);
      if (!received) {
        EXPECT_EQ(received.error(), asio::error::would_block) << received.error().message();
        break;
      }
      ++log.taken_at_once;
      if (!answer(*received))
        co_await socket.async_send_to(asio::buffer(buffer.data(), *received), sender, use_tuple);
    }
  }
}

asio::awaitable<void> send_burst_then_collect(net::Datagram socket, net::Endpoint server,
                                              std::size_t request_count,
                                              std::vector<std::string>& replies) {
  for (std::size_t i = 0; i < request_count; ++i) {
    const std::string request = "burst " + std::to_string(i);
    co_await socket.async_send_to(asio::buffer(request), server, asio::use_awaitable);
  }
  std::array<char, 256> buffer{};
  while (replies.size() < request_count) {
    net::Endpoint sender;
    const std::size_t size =
        co_await socket.async_receive_from(asio::buffer(buffer), sender, asio::use_awaitable);
    EXPECT_EQ(sender, server);
    replies.emplace_back(buffer.data(), size);
  }
}

TEST_P(HostSuite, UdpBurstServedThroughTheNonBlockingOperations) {
  constexpr std::size_t request_count = 16;
  net::Host& server = world->add_host();
  net::Host& client = world->add_host();
  net::Datagram server_socket = open_udp_on_free_port(server);
  const net::Endpoint server_endpoint{server.addresses().front(),
                                      server_socket.local_endpoint().port};
  BurstLog log;
  std::vector<std::string> replies;
  server.spawn(serve_bursts(std::move(server_socket), request_count, log));
  client.spawn(send_burst_then_collect(open_udp_on_free_port(client), server_endpoint,
                                       request_count, replies));

  ASSERT_TRUE(world->run_until_idle(run_limit));
  // Nothing had arrived yet: every backend says "wait" rather than blocking or failing otherwise.
  EXPECT_EQ(log.idle_receive, asio::error::would_block) << log.idle_receive.message();
  ASSERT_EQ(log.messages.size(), request_count);
  ASSERT_EQ(replies.size(), request_count);
  for (std::size_t i = 0; i < request_count; ++i) {
    // Datagrams on one path arrive in order on both backends (the suite's links do not reorder).
    EXPECT_EQ(log.messages[i], "burst " + std::to_string(i));
    EXPECT_EQ(replies[i], "burst " + std::to_string(i));
  }
  // The simulator offers no shortcut (every datagram goes through the asynchronous receive); real
  // sockets hand over datagrams that wait in the socket's queue at once.
  if (world->name() == "sim") {
    EXPECT_EQ(log.taken_at_once, 0u);
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
