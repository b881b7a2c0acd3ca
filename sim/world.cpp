#include "sim/world.hpp"

#include "sim/connection.hpp"
#include "sim/datagram.hpp"
#include "sim/stream.hpp"
#include "sim/timer.hpp"

#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/address_v6.hpp>

#include <cassert>
#include <stdexcept>

namespace swarmlab::sim {

// A pooled event that runs an action given to at().
class World::ScheduledCall final : public Event {
 public:
  explicit ScheduledCall(World& world) : world_(&world) {}
  ~ScheduledCall() = default;

  void fire() override {
    std::function<void()> action = std::move(action_);
    action_ = nullptr;
    ++world_->network_counters_.scheduled_calls;
    world_->trace().record(TraceKind::scheduled_call, 0, 0);
    world_->calls_free_.splice(world_->calls_free_.end(), world_->calls_, position_);
    action();
  }

  std::function<void()> action_;
  std::list<ScheduledCall>::iterator position_;

 private:
  World* world_;
};

namespace {

// The network's generator is a separate stream of the run seed: host ids never reach this value.
constexpr std::uint64_t network_rng_stream = 0xffff'ffff'ffff'fff1ULL;

std::uint64_t checked_chunk_bytes(std::uint32_t chunk_bytes) {
  if (chunk_bytes < chunk_bytes_min || chunk_bytes > chunk_bytes_max) {
    throw std::invalid_argument("sim::WorldConfig::chunk_bytes out of range");
  }
  return chunk_bytes;
}

}  // namespace

World::World(WorldConfig config)
    : config_(std::move(config)), network_rng_(config_.seed, network_rng_stream) {
  checked_chunk_bytes(config_.chunk_bytes);
  if (config_.core.model == CoreLatency::Model::region_matrix &&
      config_.core.region_matrix.size() !=
          std::size_t{config_.core.region_count} * config_.core.region_count) {
    throw std::invalid_argument("sim::CoreLatency: region_matrix must be region_count squared");
  }
  if (config_.core.pair_max < config_.core.pair_min) {
    throw std::invalid_argument("sim::CoreLatency: pair_max below pair_min");
  }
  if (config_.stream.send_buffer_bytes == 0 ||
      config_.stream.send_buffer_bytes > stream_buffer_bytes_max ||
      config_.stream.receive_window_bytes < config_.chunk_bytes ||
      config_.stream.receive_window_bytes > stream_buffer_bytes_max) {
    throw std::invalid_argument("sim::StreamConfig: buffer sizes out of range");
  }
  if (config_.link_turn < Duration{0}) {
    throw std::invalid_argument("sim::WorldConfig::link_turn is negative");
  }
}

World::~World() {
  teardown();
}

Host& World::add_host(HostConfig config) {
  if (hosts_.size() >= hosts_max) throw std::length_error("sim::World: too many hosts");
  if (config_.core.model == CoreLatency::Model::region_matrix &&
      config.region >= config_.core.region_count) {
    throw std::invalid_argument("sim::HostConfig: region outside the latency matrix");
  }
  const auto id = static_cast<HostId>(hosts_.size());
  std::vector<net::Address> addresses = config.addresses;
  if (addresses.empty()) addresses = assign_addresses(id, config);
  for (const net::Address& address : addresses) {
    if (hosts_by_address_.contains(address)) {
      throw std::invalid_argument("sim::World: address " + address.to_string() + " taken");
    }
  }
  hosts_.push_back(std::make_unique<Host>(*this, id, std::move(config), addresses));
  Host& host = *hosts_.back();
  for (const net::Address& address : addresses)
    hosts_by_address_.emplace(address, &host);
  partitions_.add_host();
  hosts_up_.push_back(1);
  return host;
}

std::vector<net::Address> World::assign_addresses(HostId id, const HostConfig& config) const {
  // From the host's number (its index plus one): IPv4 10.A.B.C, where A.B are the number's low 16
  // bits and C is 1 plus the rest, so the first 65,535 hosts each have a /24 of their own, as peers
  // on the Internet mostly do (BEP 6's allowed-fast set, for one, is a function of the /24: hosts
  // sharing one would all be offered the same pieces); and fd00:: plus the number.
  const std::uint32_t number = index_of(id) + 1;
  const std::uint32_t network = number & 0xffffu;
  const std::uint32_t last_octet = 1 + (number >> 16);
  assert(last_octet <= 255);
  std::vector<net::Address> addresses;
  addresses.push_back(boost::asio::ip::address_v4((10u << 24) | (network << 8) | last_octet));
  if (config.ipv6) {
    boost::asio::ip::address_v6::bytes_type bytes{};
    bytes[0] = 0xfd;
    for (int i = 0; i < 4; ++i)
      bytes[15 - i] = static_cast<std::uint8_t>(number >> (8 * i));
    addresses.push_back(boost::asio::ip::address_v6(bytes));
  }
  return addresses;
}

Host* World::find_host(const net::Address& address) const {
  // An assigned IPv4 address (10.A.B.C, see assign_addresses) names its host's number: try that
  // host first, which spares hashing an address on every datagram. Addresses given in a HostConfig
  // (and hosts that do not own their assigned one) are found in the table.
  if (address.is_v4()) {
    const std::uint32_t value = address.to_v4().to_uint();
    const std::uint32_t last_octet = value & 0xffu;
    const std::uint32_t number = ((last_octet - 1) << 16) | ((value >> 8) & 0xffffu);
    const std::uint32_t index = number - 1;
    if ((value >> 24) == 10 && last_octet != 0 && index < hosts_.size() &&
        hosts_[index]->owns_address(address)) {
      return hosts_[index].get();
    }
  }
  const auto found = hosts_by_address_.find(address);
  return found == hosts_by_address_.end() ? nullptr : found->second;
}

void World::at(TimePoint time, std::function<void()> action) {
  assert(action);
  if (time < now()) throw std::invalid_argument("sim::World::at: time in the past");
  if (calls_free_.empty()) calls_free_.emplace_back(*this);
  calls_.splice(calls_.end(), calls_free_, std::prev(calls_free_.end()));
  ScheduledCall& call = calls_.back();
  call.position_ = std::prev(calls_.end());
  call.action_ = std::move(action);
  scheduler_.schedule(call, time);
}

Duration World::core_latency(const Host& from, const Host& to) const {
  const CoreLatency& core = config_.core;
  switch (core.model) {
    case CoreLatency::Model::fixed:
      return core.fixed;
    case CoreLatency::Model::region_matrix:
      return core.region_matrix[std::size_t{from.region()} * core.region_count + to.region()];
    case CoreLatency::Model::pair_uniform: {
      // A stable draw per unordered pair: a hash of the seed and both ids, not a generator, so
      // asking never changes any later draw.
      const std::uint64_t low = std::min(index_of(from.id()), index_of(to.id()));
      const std::uint64_t high = std::max(index_of(from.id()), index_of(to.id()));
      const std::uint64_t draw =
          net::mix64(net::mix64(config_.seed ^ 0x5bd1e995) ^ ((high << 32) | low));
      const auto span = static_cast<std::uint64_t>((core.pair_max - core.pair_min).count()) + 1;
      return core.pair_min + Duration(static_cast<std::int64_t>(draw % span));
    }
  }
  assert(false);
  return Duration(0);
}

Duration World::latency(const Host& from, const Host& to) const {
  return from.link().latency + core_latency(from, to) + to.link().latency;
}

Counters World::counters() const {
  Counters counters;
  counters.events_fired = scheduler_.counters().events_fired;
  counters.handlers_run = scheduler_.counters().handlers_run;
  counters.network = network_counters_;
  return counters;
}

Packet& World::acquire_packet() {
  if (packets_free_.empty()) {
    packet_storage_.push_back(std::make_unique<Packet>(*this));
    return *packet_storage_.back();
  }
  Packet& packet = *packets_free_.back();
  packets_free_.pop_back();
  return packet;
}

void World::release_packet(Packet& packet) {
  assert(!packet.scheduled());
  assert(!static_cast<ListHook<PacketQueueTag>&>(packet).linked());
  packets_free_.push_back(&packet);
}

Connection& World::create_connection(Host& client, const net::Endpoint& local,
                                     const net::Endpoint& remote) {
  connections_.emplace_back(*this, client, local, remote);
  Connection& connection = connections_.back();
  connection.set_position(std::prev(connections_.end()));
  return connection;
}

void World::retire_connection(Connection& connection) {
  connection.shut_down();
  retired_.splice(retired_.end(), connections_, connection.position());
  if (!tearing_down_ && !sweep_event_.scheduled()) scheduler_.schedule(sweep_event_, now());
}

void World::sweep_retired() {
  retired_.clear();
}

void World::teardown() {
  tearing_down_ = true;
  // 1. Destroy every pending handler while everything it may reference still exists. Destroying
  // one can unwind a coroutine, whose handles then close and complete other operations (queued as
  // new ready handlers), so repeat until nothing is left.
  for (bool destroyed = true; destroyed;) {
    destroyed = scheduler_.destroy_ready();
    HandlerGraveyard graveyard;
    for (auto& host_owned : hosts_) {
      host_owned->timers().for_each([&](SimTimer& timer) { timer.take_pending(graveyard); });
      for (SimListener* listener : host_owned->bound_listeners())
        listener->take_pending(graveyard);
      for (SimDatagram* socket : host_owned->bound_datagrams())
        socket->take_pending(graveyard);
    }
    for (Connection& connection : connections_)
      connection.take_pending(graveyard);
    destroyed |= !graveyard.empty();
  }
  // 2. Handles that outlive the coroutines (held by the caller) forget their world.
  for (Connection& connection : connections_) {
    for (std::uint8_t index = 0; index < 2; ++index) {
      if (SimStream* stream = connection.side(index).stream) stream->detach();
    }
  }
  for (auto& host_owned : hosts_) {
    host_owned->timers().for_each([](SimTimer& timer) { timer.detach(); });
    for (SimListener* listener : host_owned->bound_listeners())
      listener->detach();
    for (SimDatagram* socket : host_owned->bound_datagrams())
      socket->detach();
  }
  // 3. Free the network, then the hosts.
  for (Connection& connection : connections_)
    connection.shut_down();
  connections_.clear();
  retired_.clear();
  for (auto& host_owned : hosts_) {
    host_owned->uplink().reset();
    host_owned->downlink().reset();
    host_owned->datagram_uplink().clear();
    host_owned->datagram_downlink().clear();
  }
  scheduler_.clear_events();
  calls_.clear();
  calls_free_.clear();
  hosts_.clear();
  packet_storage_.clear();
}

void World::add_stalled(Pipe& pipe) {
  stalled_.push_back(pipe);
}

void World::remove_stalled(Pipe& pipe) {
  stalled_.erase(pipe);
}

void World::resume_stalled() {
  // Resuming may stall other pipes again (appended to the list and visited later: still cut, they
  // stay); each visit either removes the pipe or leaves it, so this ends.
  stalled_.for_each([](Pipe& pipe) { pipe.recheck_path(); });
}

}  // namespace swarmlab::sim
