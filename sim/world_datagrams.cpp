// The core of the datagram path: what happens to a datagram between the sender's uplink and the
// receiver's downlink (impairments, latency, partitions), and its hand-off to the socket.
#include "sim/datagram.hpp"
#include "sim/world.hpp"

namespace swarmlab::sim {

namespace {

enum DropReason : std::uint64_t {
  drop_loss = 3,
  drop_unreachable = 4,
  drop_downlink_queue = 5,
  drop_no_socket = 6,
};

// An extra delay uniform in [0, maximum].
Duration draw_delay(net::Rng& rng, Duration maximum) {
  if (maximum.count() <= 0) return Duration(0);
  return Duration(rng.between(0, maximum.count()));
}

}  // namespace

void World::datagram_uplinked(Packet& packet) {
  Host& sender = host(packet.source_host);
  Host* target = find_host(packet.target.address);
  if (target == nullptr) {
    ++network_counters_.datagrams_dropped_unreachable;
    trace().record(TraceKind::datagram_drop, index_of(sender.id()), drop_unreachable);
    release_packet(packet);
    return;
  }
  packet.target_host = target->id();
  const UdpFaults& faults = udp_faults_for(sender);
  // Every draw below happens or not according to the configuration alone, so the sequence of
  // draws is a function of the seed and the order of events.
  if (faults.loss_probability > 0 && network_rng_.unit() < faults.loss_probability) {
    ++network_counters_.datagrams_lost;
    trace().record(TraceKind::datagram_drop, index_of(sender.id()), drop_loss);
    release_packet(packet);
    return;
  }
  const Duration base = latency(sender, *target);
  if (faults.duplicate_probability > 0 && network_rng_.unit() < faults.duplicate_probability) {
    ++network_counters_.datagrams_duplicated;
    Packet& copy = acquire_packet();
    copy.payload = packet.payload;
    copy.source = packet.source;
    copy.target = packet.target;
    copy.source_host = packet.source_host;
    copy.target_host = packet.target_host;
    scheduler_.schedule_after(copy, base + draw_delay(network_rng_, faults.jitter_max));
  }
  Duration extra = draw_delay(network_rng_, faults.jitter_max);
  if (faults.reorder_probability > 0 && network_rng_.unit() < faults.reorder_probability) {
    ++network_counters_.datagrams_reordered;
    extra += Duration(1) + draw_delay(network_rng_, faults.reorder_delay_max - Duration(1));
  }
  scheduler_.schedule_after(packet, base + extra);
}

void World::datagram_arrived(Packet& packet) {
  Host& target = host(packet.target_host);
  trace().record(TraceKind::datagram_arrival, index_of(target.id()), packet.size_bytes());
  if (!target.up() || partitions_.cut(packet.source_host, packet.target_host)) {
    ++network_counters_.datagrams_dropped_unreachable;
    trace().record(TraceKind::datagram_drop, index_of(target.id()), drop_unreachable);
    release_packet(packet);
    return;
  }
  if (!target.datagram_downlink().push(packet, target.link().queue_limit_bytes)) {
    ++network_counters_.datagrams_dropped_queue;
    trace().record(TraceKind::datagram_drop, index_of(target.id()), drop_downlink_queue);
    release_packet(packet);
    return;
  }
  target.downlink().activate(target.datagram_downlink());
}

void World::datagram_downlinked(Packet& packet) {
  Host& target = host(packet.target_host);
  SimDatagram* socket = target.find_datagram(packet.target.port);
  if (socket == nullptr) {
    ++network_counters_.datagrams_dropped_unreachable;
    trace().record(TraceKind::datagram_drop, index_of(target.id()), drop_no_socket);
    release_packet(packet);
    return;
  }
  socket->deliver(packet);
}

}  // namespace swarmlab::sim
