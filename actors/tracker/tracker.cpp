#include "actors/tracker/tracker.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/address_v6.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>
#include <cassert>

namespace swarmlab::tracker {
namespace {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;

bool host_has_family(const net::Host& host, bool ipv6) {
  const auto addresses = host.addresses();
  // A host without addresses of its own (a real machine) has every family the system has.
  if (addresses.empty()) return true;
  return std::any_of(addresses.begin(), addresses.end(),
                     [ipv6](const net::Address& address) { return address.is_v6() == ipv6; });
}

}  // namespace

TrackerServer::TrackerServer(OpenKey, net::Host& host, TrackerConfig config,
                             record::Observer* observer)
    : host_(host),
      config_(std::move(config)),
      core_(config_, host.rng(), observer),
      http_(host, core_),
      udp_(host, core_) {}

net::Result<std::unique_ptr<TrackerServer>> TrackerServer::open(net::Host& host,
                                                                TrackerConfig config,
                                                                record::Observer* observer) {
  check_config(config);
  auto server = std::make_unique<TrackerServer>(OpenKey{}, host, std::move(config), observer);
  const std::optional<net::Address> bind_address = server->config_.bind_address;
  if (bind_address) {
    if (const auto error = server->bind(*bind_address)) return error;
  } else {
    if (const auto error = server->bind(asio::ip::address_v4::any())) return error;
    if (host_has_family(host, true)) (void)server->bind(asio::ip::address_v6::any());
  }
  return server;
}

net::error_code TrackerServer::bind(net::Address address) {
  // The second family takes the port the first one got, so clients see one port per protocol.
  std::optional<std::uint16_t> http_port = config_.http_port;
  std::optional<std::uint16_t> udp_port = config_.udp_port;
  if (!endpoints_.http.empty()) http_port = endpoints_.http.front().port;
  if (!endpoints_.udp.empty()) udp_port = endpoints_.udp.front().port;
  std::optional<net::Listener> listener;
  std::optional<net::Datagram> socket;
  if (http_port) {
    auto opened = host_.listen({address, *http_port});
    if (!opened) return opened.error();
    listener.emplace(std::move(*opened));
  }
  if (udp_port) {
    auto opened = host_.open_udp({address, *udp_port});
    if (!opened) return opened.error();
    socket.emplace(std::move(*opened));
  }
  // Only a family that bound both ways is kept: an optional family is all or nothing.
  if (listener) {
    endpoints_.http.push_back(listener->local_endpoint());
    http_.add_listener(std::move(*listener));
  }
  if (socket) {
    endpoints_.udp.push_back(socket->local_endpoint());
    udp_.add_socket(std::move(*socket));
  }
  return {};
}

asio::awaitable<void> TrackerServer::run() {
  co_await (http_.run() || udp_.run() || sweep_loop());
}

asio::awaitable<void> TrackerServer::sweep_loop() {
  // Ends when cancelled, with the tracker.
  while (true) {
    co_await host_.sleep(config_.sweep_period);
    core_.sweep(host_.now());
  }
}

asio::awaitable<void> run_tracker(net::Host& host, TrackerConfig config,
                                  record::Observer* observer) {
  auto server = TrackerServer::open(host, std::move(config), observer);
  if (!server) throw boost::system::system_error(server.error(), "tracker: cannot listen");
  co_await (*server)->run();
}

}  // namespace swarmlab::tracker
