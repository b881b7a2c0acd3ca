#include "sim/host.hpp"

#include "sim/datagram.hpp"
#include "sim/limits.hpp"
#include "sim/stream.hpp"
#include "sim/timer.hpp"
#include "sim/world.hpp"

#include <boost/asio/error.hpp>

namespace swarmlab::sim {

namespace asio_error = boost::asio::error;

Host::Host(World& world, HostId id, HostConfig config, std::vector<net::Address> addresses)
    : world_(&world),
      id_(id),
      config_(std::move(config)),
      addresses_(addresses.begin(), addresses.end()),
      rng_(world.seed(), index_of(id)),
      uplink_(world.scheduler(), config_.link.upload_bytes_per_second,
              {world.config().chunk_bytes, world.config().link_turn}),
      downlink_(world.scheduler(), config_.link.download_bytes_per_second,
                {world.config().chunk_bytes, world.config().link_turn}),
      datagram_uplink_(world, PacketQueue::End::uplink),
      datagram_downlink_(world, PacketQueue::End::downlink),
      ephemeral_port_next_(ephemeral_port_first) {
  assert(!addresses_.empty());
}

Host::~Host() {
  // The world has torn everything down already.
  assert(timers_.empty());
  assert(connections_.empty());
  assert(listeners_.empty());
  assert(datagrams_.empty());
}

Host::executor_type Host::get_executor() {
  return world_->executor();
}

net::TimePoint Host::now() const {
  return world_->now();
}

std::optional<net::Address> Host::address_of_family(bool ipv6) const {
  for (const net::Address& address : addresses_) {
    if (address.is_v6() == ipv6) return address;
  }
  return std::nullopt;
}

bool Host::owns_address(const net::Address& address) const {
  for (const net::Address& own : addresses_) {
    if (own == address) return true;
  }
  return false;
}

net::Timer Host::make_timer() {
  return net::Timer(std::make_unique<SimTimer>(*this), now());
}

net::Result<net::Listener> Host::listen(const net::Endpoint& local) {
  if (!up_) return net::error_code(asio_error::network_down);
  if (!local.address.is_unspecified() && !owns_address(local.address)) {
    return make_error_code(boost::system::errc::address_not_available);
  }
  auto listener = std::make_unique<SimListener>(*this, local);
  const std::uint16_t port = bind_listener(local.port, *listener);
  if (port == 0) return net::error_code(asio_error::address_in_use);
  listener->mark_bound(port);
  return net::Listener(std::move(listener));
}

net::Result<net::Datagram> Host::open_udp(const net::Endpoint& local) {
  if (!up_) return net::error_code(asio_error::network_down);
  if (!local.address.is_unspecified() && !owns_address(local.address)) {
    return make_error_code(boost::system::errc::address_not_available);
  }
  auto socket = std::make_unique<SimDatagram>(*this, local);
  const std::uint16_t port = bind_datagram(local.port, *socket);
  if (port == 0) return net::error_code(asio_error::address_in_use);
  socket->mark_bound(port);
  return net::Datagram(std::move(socket));
}

void Host::connect(const net::Endpoint& remote, net::StreamHandler handler) {
  start_connect(*this, remote, std::move(handler));
}

SimListener* Host::find_listener(std::uint16_t port) const {
  const auto found = listeners_.find(port);
  return found == listeners_.end() ? nullptr : found->second;
}

SimDatagram* Host::find_datagram(std::uint16_t port) const {
  const auto found = datagrams_.find(port);
  return found == datagrams_.end() ? nullptr : found->second;
}

template <class Table>
std::uint16_t Host::bind_port(Table& table, std::uint16_t port, typename Table::mapped_type value) {
  if (port != 0) {
    if (table.contains(port)) return 0;
    table.emplace(port, value);
    return port;
  }
  // The ephemeral range, round robin from where the last search stopped.
  constexpr std::uint32_t range = ephemeral_port_last - ephemeral_port_first + 1;
  for (std::uint32_t tried = 0; tried < range; ++tried) {
    const std::uint16_t candidate = ephemeral_port();
    if (!table.contains(candidate)) {
      table.emplace(candidate, value);
      return candidate;
    }
  }
  return 0;
}

std::uint16_t Host::bind_listener(std::uint16_t port, SimListener& listener) {
  return bind_port(listeners_, port, &listener);
}

std::uint16_t Host::bind_datagram(std::uint16_t port, SimDatagram& socket) {
  return bind_port(datagrams_, port, &socket);
}

void Host::unbind_listener(std::uint16_t port) {
  const std::size_t erased = listeners_.erase(port);
  assert(erased == 1);
  (void)erased;
}

void Host::unbind_datagram(std::uint16_t port) {
  const std::size_t erased = datagrams_.erase(port);
  assert(erased == 1);
  (void)erased;
}

std::uint16_t Host::ephemeral_port() {
  const std::uint16_t port = ephemeral_port_next_;
  ephemeral_port_next_ =
      port == ephemeral_port_last ? ephemeral_port_first : static_cast<std::uint16_t>(port + 1);
  return port;
}

std::vector<SimListener*> Host::bound_listeners() const {
  std::vector<SimListener*> listeners;
  listeners.reserve(listeners_.size());
  for (const auto& [port, listener] : listeners_)
    listeners.push_back(listener);
  return listeners;
}

std::vector<SimDatagram*> Host::bound_datagrams() const {
  std::vector<SimDatagram*> sockets;
  sockets.reserve(datagrams_.size());
  for (const auto& [port, socket] : datagrams_)
    sockets.push_back(socket);
  return sockets;
}

void Host::set_up(bool up) {
  assert(up != up_);
  up_ = up;
  world_->hosts_up_[index_of(id_)] = up ? 1 : 0;
  if (!up) ++incarnation_;
}

void Host::set_link(const LinkConfig& link) {
  config_.link = link;
  uplink_.set_rate(link.upload_bytes_per_second);
  downlink_.set_rate(link.download_bytes_per_second);
}

}  // namespace swarmlab::sim
