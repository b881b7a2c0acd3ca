// LoopbackFixture: a tracker (TrackerServer on a RealHost at 127.0.0.1 and ::1) and a client host
// (127.0.0.2 and ::1) on one io_context, for tests over real loopback sockets. Client coroutines
// run through run_client(), which drives the loop until they finish (bounded).
#pragma once

#include "actors/tracker/tracker.hpp"
#include "net/real_host.hpp"
#include "tests/tracker/tracker_clients.hpp"
#include "tests/tracker/tracker_test_support.hpp"

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>

#include <memory>

namespace swarmlab::tracker::test {

class LoopbackFixture : public ::testing::Test {
 protected:
  static constexpr net::Duration run_limit = 30s;

  ~LoopbackFixture() override { stop_tracker(); }

  void start_tracker(TrackerConfig config = test_config()) {
    auto opened = TrackerServer::open(tracker_host, std::move(config), nullptr);
    ASSERT_TRUE(opened) << opened.error().message();
    server = std::move(*opened);
    tracker_host.spawn(server->run(), [this](std::exception_ptr failure) {
      tracker_stopped = true;
      tracker_failure = failure;
    });
  }

  void stop_tracker() {
    if (!server) return;
    tracker_host.cancel_tasks();
    client_host.cancel_tasks();
    run_until([this] {
      return tracker_stopped && tracker_host.task_count() == 0 && client_host.task_count() == 0;
    });
    EXPECT_TRUE(tracker_stopped);
    if (tracker_stopped) {
      EXPECT_TRUE(!tracker_failure || net::is_cancellation(tracker_failure));
      server.reset();
    }
  }

  // Runs the loop until `done()` or the run limit; returns done().
  template <class Done>
  bool run_until(Done done) {
    const auto deadline = std::chrono::steady_clock::now() + run_limit;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io_context.restart();
      io_context.run_for(std::chrono::milliseconds(5));
    }
    return done();
  }

  // Runs `task` on the client host to its end.
  void run_client(boost::asio::awaitable<void> task) {
    bool finished = false;
    std::exception_ptr failure;
    client_host.spawn(std::move(task), [&](std::exception_ptr exit) {
      finished = true;
      failure = exit;
    });
    ASSERT_TRUE(run_until([&] { return finished; })) << "client did not finish in time";
    if (failure) std::rethrow_exception(failure);
  }

  net::Endpoint http_endpoint(bool ipv6 = false) const {
    for (const net::Endpoint& endpoint : server->endpoints().http) {
      if (endpoint.address.is_v6() == ipv6) return endpoint;
    }
    ADD_FAILURE() << "no HTTP endpoint of that family";
    return {};
  }
  net::Endpoint udp_endpoint(bool ipv6 = false) const {
    for (const net::Endpoint& endpoint : server->endpoints().udp) {
      if (endpoint.address.is_v6() == ipv6) return endpoint;
    }
    ADD_FAILURE() << "no UDP endpoint of that family";
    return {};
  }
  net::Datagram client_udp(bool ipv6 = false) {
    auto socket = client_host.open_udp(
        {ipv6 ? net::Address(boost::asio::ip::address_v6::loopback()) : client_v4, 0});
    EXPECT_TRUE(socket) << socket.error().message();
    return std::move(socket).value();
  }

  boost::asio::io_context io_context{1};
  net::Address tracker_v4 = boost::asio::ip::make_address("127.0.0.1");
  net::Address client_v4 = boost::asio::ip::make_address("127.0.0.2");
  net::Address loopback_v6 = boost::asio::ip::address_v6::loopback();
  net::RealHost tracker_host{io_context, {.addresses = {tracker_v4, loopback_v6}, .seed = 1}};
  net::RealHost client_host{io_context, {.addresses = {client_v4, loopback_v6}, .seed = 2}};
  std::unique_ptr<TrackerServer> server;
  bool tracker_stopped = false;
  std::exception_ptr tracker_failure;
};

}  // namespace swarmlab::tracker::test
