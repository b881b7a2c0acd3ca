// sim::Host: one simulated machine, the net::Host that actors running on it see. It owns the host's
// access link (uplink and downlink), its bound ports (listeners, UDP sockets) and registries of
// everything alive on it (timers, connection ends, sockets), so that a crash can fail all of it and
// a world can tear it down deterministically, in creation order.
//
// Hosts are created by World::add_host() and live as long as their world.
#pragma once

#include "net/host.hpp"
#include "sim/config.hpp"
#include "sim/datagram_queue.hpp"
#include "sim/ids.hpp"
#include "sim/intrusive_list.hpp"
#include "sim/link.hpp"

#include <boost/container/flat_map.hpp>
#include <boost/container/small_vector.hpp>

#include <cstdint>
#include <optional>
#include <vector>

namespace swarmlab::sim {

class World;
class SimTimer;
class SimListener;
class SimDatagram;
class ConnectionSide;
struct HostTimersTag;
struct HostConnectionsTag;

class Host final : public net::Host {
 public:
  Host(World& world, HostId id, HostConfig config, std::vector<net::Address> addresses);
  ~Host() override;

  // ---- net::Host
  executor_type get_executor() override;
  net::TimePoint now() const override;
  net::Rng& rng() override { return rng_; }
  std::span<const net::Address> addresses() const override { return addresses_; }
  net::Timer make_timer() override;
  net::Result<net::Listener> listen(const net::Endpoint& local) override;
  net::Result<net::Datagram> open_udp(const net::Endpoint& local) override;

  // ---- What the world and scenarios ask of a host
  HostId id() const { return id_; }
  World& world() const { return *world_; }
  bool up() const { return up_; }
  // Bumped by every crash; objects created before a crash belong to a dead incarnation.
  std::uint32_t incarnation() const { return incarnation_; }
  const HostConfig& config() const { return config_; }
  const LinkConfig& link() const { return config_.link; }
  std::uint32_t region() const { return config_.region; }
  // The first address of the family, if the host has one.
  std::optional<net::Address> address_of_family(bool ipv6) const;
  bool owns_address(const net::Address& address) const;

  // ---- Simulator internals (the transport, faults and teardown use these; actors do not)
  Link& uplink() { return uplink_; }
  Link& downlink() { return downlink_; }
  PacketQueue& datagram_uplink() { return datagram_uplink_; }
  PacketQueue& datagram_downlink() { return datagram_downlink_; }
  IntrusiveList<SimTimer, HostTimersTag>& timers() { return timers_; }
  IntrusiveList<ConnectionSide, HostConnectionsTag>& connections() { return connections_; }
  SimListener* find_listener(std::uint16_t port) const;
  SimDatagram* find_datagram(std::uint16_t port) const;
  // Port 0 picks a free ephemeral port; returns 0 if the port is taken (or none is free).
  std::uint16_t bind_listener(std::uint16_t port, SimListener& listener);
  std::uint16_t bind_datagram(std::uint16_t port, SimDatagram& socket);
  void unbind_listener(std::uint16_t port);
  void unbind_datagram(std::uint16_t port);
  // A fresh local port for an outgoing connection.
  std::uint16_t ephemeral_port();
  // Every listener and socket bound now, in port order (a crash closes them).
  std::vector<SimListener*> bound_listeners() const;
  std::vector<SimDatagram*> bound_datagrams() const;

  void set_up(bool up);
  void set_link(const LinkConfig& link);
  void set_udp_faults(std::optional<UdpFaults> faults) { config_.udp_faults = std::move(faults); }

 protected:
  void connect(const net::Endpoint& remote, net::StreamHandler handler) override;

 private:
  template <class Table>
  std::uint16_t bind_port(Table& table, std::uint16_t port, typename Table::mapped_type value);

  World* world_;
  HostId id_;
  HostConfig config_;
  // Inline: the address and the port tables are consulted for every datagram, and with thousands
  // of hosts each separate allocation would be one more cache miss.
  boost::container::small_vector<net::Address, 2> addresses_;
  net::Rng rng_;
  bool up_ = true;
  std::uint32_t incarnation_ = 0;
  Link uplink_;
  Link downlink_;
  PacketQueue datagram_uplink_;
  PacketQueue datagram_downlink_;
  template <class Value>
  using PortTable = boost::container::flat_map<
      std::uint16_t, Value*, std::less<>,
      boost::container::small_vector<std::pair<std::uint16_t, Value*>, 2>>;
  PortTable<SimListener> listeners_;
  PortTable<SimDatagram> datagrams_;
  IntrusiveList<SimTimer, HostTimersTag> timers_;
  IntrusiveList<ConnectionSide, HostConnectionsTag> connections_;
  std::uint16_t ephemeral_port_next_;
};

}  // namespace swarmlab::sim
