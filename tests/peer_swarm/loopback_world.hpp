// Peers on real sockets for the tests: RealHosts on their own loopback addresses (127.0.1.N),
// sharing one io_context on the test's thread, with a bounded run loop and an orderly teardown
// (peers stop, tasks are cancelled and unwind, then peers, hosts and the context go, in that
// order).
#pragma once

#include "actors/peer/peer.hpp"
#include "net/real_host.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/post.hpp>

#include <cassert>
#include <chrono>
#include <functional>
#include <memory>
#include <vector>

namespace swarmlab::peer_test {

class LoopbackWorld {
 public:
  static constexpr std::size_t host_count_max = 200;
  static constexpr auto teardown_duration_max = std::chrono::seconds(5);
  static constexpr auto run_slice = std::chrono::milliseconds(5);

  // `third_octet` keeps the addresses of different test suites apart.
  explicit LoopbackWorld(unsigned char third_octet) : third_octet_(third_octet) {}

  ~LoopbackWorld() {
    // Stop and cancel from inside the loop: with Boost 1.81, a cancellation emitted from outside
    // is posted, and may reach a task that has ended meanwhile (co_spawn's handler is gone).
    boost::asio::post(io_context_, [this] {
      for (auto& peer : peers_)
        peer->stop();
      for (auto& host : hosts_)
        host->cancel_tasks();
    });
    run_until([] { return false; }, teardown_duration_max, /*stop_when_idle=*/true);
    peers_.clear();
  }

  net::RealHost& add_host() {
    assert(hosts_.size() < host_count_max);
    const auto index = static_cast<unsigned char>(hosts_.size() + 2);
    const boost::asio::ip::address_v4 address({127, 0, third_octet_, index});
    hosts_.push_back(std::make_unique<net::RealHost>(
        io_context_, net::RealHostOptions{.addresses = {address}, .seed = index}));
    return *hosts_.back();
  }

  // A peer on a new host, listening on a free port.
  peer::Peer& add_peer(peer::PeerConfig config) {
    net::RealHost& host = add_host();
    config.listen_port = 0;
    config.actor_id = static_cast<record::ActorId>(peers_.size() + 1);
    peers_.push_back(std::make_unique<peer::Peer>(host, std::move(config)));
    return *peers_.back();
  }

  // Runs the context until `done()` holds or `limit` passes; returns done().
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds limit,
                 bool stop_when_idle = false) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io_context_.restart();
      io_context_.run_for(run_slice);
      if (stop_when_idle && io_context_.stopped() && all_tasks_ended()) break;
    }
    return done();
  }

  net::Endpoint endpoint_of(peer::Peer& peer) {
    return net::Endpoint{peer.host().addresses().front(), peer.listen_port()};
  }
  boost::asio::io_context& io_context() { return io_context_; }

 private:
  bool all_tasks_ended() const {
    for (const auto& host : hosts_) {
      if (host->task_count() > 0) return false;
    }
    return true;
  }

  unsigned char third_octet_;
  boost::asio::io_context io_context_;
  std::vector<std::unique_ptr<net::RealHost>> hosts_;
  std::vector<std::unique_ptr<peer::Peer>> peers_;
};

}  // namespace swarmlab::peer_test
