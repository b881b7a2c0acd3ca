// Faults a scenario can inject into a running world: partitions, crashes and restarts, link
// changes, datagram impairments. Each takes effect at the current time and is folded into the
// trace; schedule one for later with World::at().
#include "sim/connection.hpp"
#include "sim/datagram.hpp"
#include "sim/stream.hpp"
#include "sim/timer.hpp"
#include "sim/world.hpp"

#include <stdexcept>

namespace swarmlab::sim {

PartitionId World::partition(std::span<const HostId> side_a, std::span<const HostId> side_b,
                             PartitionMode mode) {
  for (HostId id : side_a) {
    if (index_of(id) >= hosts_.size()) throw std::out_of_range("sim::World::partition: host id");
  }
  for (HostId id : side_b) {
    if (index_of(id) >= hosts_.size()) throw std::out_of_range("sim::World::partition: host id");
  }
  const std::optional<PartitionId> id = partitions_.add(side_a, side_b, mode);
  if (!id) throw std::length_error("sim::World::partition: too many partitions in force");
  trace().record(TraceKind::partition, side_a.size(),
                 (side_b.size() << 1) | (mode == PartitionMode::one_way ? 1 : 0));
  return *id;
}

void World::heal(PartitionId id) {
  if (!partitions_.remove(id)) return;
  trace().record(TraceKind::heal, 0, static_cast<std::uint64_t>(id));
  resume_stalled();
}

void World::heal_all() {
  partitions_.clear();
  trace().record(TraceKind::heal, 1, 0);
  resume_stalled();
}

void World::crash(HostId id) {
  Host& victim = host(id);
  if (!victim.up()) return;
  trace().record(TraceKind::host_crash, index_of(id), victim.incarnation());
  victim.set_up(false);
  // Listeners first: connections waiting in their queues are dropped with them.
  for (SimListener* listener : victim.bound_listeners())
    listener->abort();
  while (!victim.connections().empty()) {
    ConnectionSide& side = victim.connections().front();
    side.connection->crash(side.index);
  }
  for (SimDatagram* socket : victim.bound_datagrams())
    socket->abort();
  victim.timers().for_each([](SimTimer& timer) { timer.abort(); });
  victim.uplink().reset();
  victim.downlink().reset();
  victim.datagram_uplink().clear();
  victim.datagram_downlink().clear();
  // Last, the actors: each gets terminal cancellation and unwinds when it next runs.
  victim.cancel_tasks();
}

void World::restart(HostId id) {
  Host& host_restarting = host(id);
  if (host_restarting.up()) return;
  trace().record(TraceKind::host_restart, index_of(id), host_restarting.incarnation());
  host_restarting.set_up(true);
}

void World::set_link(HostId id, const LinkConfig& link) {
  Host& target = host(id);
  trace().record(TraceKind::link_change, index_of(id),
                 link.upload_bytes_per_second ^ (link.download_bytes_per_second << 1) ^
                     static_cast<std::uint64_t>(link.latency.count()));
  target.set_link(link);
}

void World::set_udp_faults(const UdpFaults& faults) {
  config_.udp.faults = faults;
}

void World::set_udp_faults(HostId id, std::optional<UdpFaults> faults) {
  host(id).set_udp_faults(std::move(faults));
}

}  // namespace swarmlab::sim
