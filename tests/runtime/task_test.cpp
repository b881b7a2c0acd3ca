// Host::spawn and Host::cancel_tasks, on every backend: a crash or a stop must reach every actor,
// wherever it is suspended.
#include "tests/runtime/host_suite.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>

#include <stdexcept>

namespace swarmlab::runtime_test {
namespace {

using namespace boost::asio::experimental::awaitable_operators;

asio::awaitable<void> hold_accepted_stream(net::Listener listener) {
  net::Stream stream = co_await listener.async_accept(asio::use_awaitable);
  std::array<char, 16> buffer{};
  co_await stream.async_read_some(asio::buffer(buffer), asio::use_awaitable);
  ADD_FAILURE() << "the peer never writes";
}

asio::awaitable<void> accept_forever(net::Listener listener) {
  co_await listener.async_accept(asio::use_awaitable);
  ADD_FAILURE() << "nobody connects";
}

asio::awaitable<void> receive_or_sleep(net::Host& host, net::Datagram socket) {
  std::array<char, 16> buffer{};
  net::Endpoint sender;
  co_await (socket.async_receive_from(asio::buffer(buffer), sender, asio::use_awaitable) ||
            host.sleep(std::chrono::hours(1)));
  ADD_FAILURE() << "nothing is sent and the sleep is long";
}

asio::awaitable<void> connect_and_wait_for_end(net::Host& host, net::Endpoint server,
                                               net::error_code& end) {
  net::Stream stream = co_await host.async_connect(server, asio::use_awaitable);
  std::array<char, 16> buffer{};
  auto [error, size_bytes] = co_await stream.async_read_some(asio::buffer(buffer), use_tuple);
  EXPECT_EQ(size_bytes, 0u);
  end = error;
}

asio::awaitable<void> cancel_later(net::Host& host, net::Duration delay, net::Host& victim,
                                   std::size_t& tasks_before) {
  co_await host.sleep(delay);
  tasks_before = victim.task_count();
  victim.cancel_tasks();
}

TEST_P(HostSuite, CancelTasksStopsEveryActor) {
  net::Host& victim = world->add_host();
  net::Host& peer = world->add_host();
  net::Listener held = listen_on_free_port(victim);
  const net::Endpoint held_endpoint = reachable_endpoint(victim, held);
  auto socket = victim.open_udp({victim.addresses().front(), 0});
  ASSERT_TRUE(socket.has_value());
  std::array<TaskExit, 4> exits;
  victim.spawn(hold_accepted_stream(std::move(held)), record_exit(exits[0]));
  victim.spawn(accept_forever(listen_on_free_port(victim)), record_exit(exits[1]));
  victim.spawn(receive_or_sleep(victim, std::move(socket).value()), record_exit(exits[2]));
  victim.spawn(victim.sleep(std::chrono::hours(1)), record_exit(exits[3]));
  net::error_code peer_end;
  std::size_t tasks_before = 0;
  peer.spawn(connect_and_wait_for_end(peer, held_endpoint, peer_end));
  peer.spawn(cancel_later(peer, 100ms, victim, tasks_before));
  const net::TimePoint started = world->now();

  ASSERT_TRUE(world->run_until_idle(run_limit));
  EXPECT_LT(world->now() - started, 10s);
  EXPECT_EQ(tasks_before, exits.size());
  for (const TaskExit& exit : exits) {
    EXPECT_TRUE(exit.finished);
    EXPECT_EQ(exit.code, asio::error::operation_aborted) << exit.code.message();
  }
  EXPECT_EQ(victim.task_count(), 0u);
  // The held stream died with its task; its peer sees the end of the stream.
  EXPECT_TRUE(peer_end == asio::error::eof || peer_end == asio::error::connection_reset)
      << peer_end.message();
}

// Without an exit handler, cancellation (even wrapped by `||`) is a normal end, not a failure.
TEST_P(HostSuite, CancelledTaskWithoutExitHandlerIsNoFailure) {
  net::Host& victim = world->add_host();
  net::Host& peer = world->add_host();
  auto socket = victim.open_udp({victim.addresses().front(), 0});
  ASSERT_TRUE(socket.has_value());
  victim.spawn(receive_or_sleep(victim, std::move(socket).value()));
  victim.spawn(victim.sleep(std::chrono::hours(1)));
  std::size_t tasks_before = 0;
  peer.spawn(cancel_later(peer, 20ms, victim, tasks_before));

  ASSERT_TRUE(world->run_until_idle(run_limit));
  EXPECT_EQ(tasks_before, 2u);
  EXPECT_EQ(victim.task_count(), 0u);
}

asio::awaitable<void> fail_after(net::Host& host, net::Duration delay) {
  co_await host.sleep(delay);
  throw std::logic_error("an actor's bug");
}

TEST_P(HostSuite, SpawnHandsTaskFailureToExitHandler) {
  net::Host& host = world->add_host();
  std::exception_ptr failure;
  host.spawn(fail_after(host, 10ms), [&failure](std::exception_ptr exit) { failure = exit; });

  ASSERT_TRUE(world->run_until_idle(run_limit));
  ASSERT_TRUE(failure);
  EXPECT_THROW(std::rethrow_exception(failure), std::logic_error);
  EXPECT_EQ(host.task_count(), 0u);
}

TEST_P(HostSuite, UnhandledTaskFailureReachesWhoeverRunsTheWorld) {
  net::Host& host = world->add_host();
  host.spawn(fail_after(host, 10ms));

  EXPECT_THROW(world->run_until_idle(run_limit), std::logic_error);
  EXPECT_EQ(host.task_count(), 0u);
}

}  // namespace
}  // namespace swarmlab::runtime_test
