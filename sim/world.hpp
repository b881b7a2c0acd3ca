// sim::World: a whole simulated network in one object, run on one thread.
//
// A world owns the scheduler (the virtual clock, the event queue, the ready FIFO and the run loop),
// its hosts and their access links, the connections and datagrams between them, the partitions in
// force, and the trace hash. Scenarios, tests and benchmarks build a world, add hosts, spawn actors
// on them (Host::spawn), schedule faults with at(), and drive it with run_until()/run_for().
//
// Determinism: the same WorldConfig (seed included), the same hosts and the same actors give the
// same sequence of events, bit for bit, and the same trace_hash(). Each host's generator is
// net::Rng(seed, host id); the network's own random decisions (datagram impairments) draw from a
// separate generator, so actors drawing more or fewer numbers never shifts the network's.
//
// Teardown: destroying a world destroys every pending handler (unwinding suspended coroutines)
// while the structures they reference still exist. Handles (Stream, Timer, ...) must not outlive
// their world.
#pragma once

#include "sim/config.hpp"
#include "sim/counters.hpp"
#include "sim/host.hpp"
#include "sim/ids.hpp"
#include "sim/intrusive_list.hpp"
#include "sim/partitions.hpp"
#include "sim/scheduler.hpp"

#include <functional>
#include <list>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

namespace swarmlab::sim {

class Connection;
class Pipe;
struct StalledTag;

class World {
 public:
  explicit World(WorldConfig config = {});
  World(const World&) = delete;
  World& operator=(const World&) = delete;
  ~World();

  // ---- Building
  Host& add_host(HostConfig config = {});
  Host& host(HostId id) { return *hosts_.at(index_of(id)); }
  std::size_t host_count() const { return hosts_.size(); }
  // The host owning `address`, or null.
  Host* find_host(const net::Address& address) const;
  const WorldConfig& config() const { return config_; }
  std::uint64_t seed() const { return config_.seed; }
  Executor executor() { return scheduler_.executor(); }

  // ---- Running
  TimePoint now() const { return scheduler_.now(); }
  // Runs until nothing is left to happen (every actor waits on something that never comes).
  void run() { scheduler_.run_until(net::time_max); }
  // Runs everything due at or before `limit`; the clock then reads `limit`.
  void run_until(TimePoint limit) { scheduler_.run_until(limit); }
  void run_for(Duration duration) { scheduler_.run_until(now() + duration); }
  // Runs until nothing is left to happen or `limit` passes, whichever comes first; the clock stays
  // at the last event. Returns whether the world went idle.
  bool run_until_idle(TimePoint limit) { return scheduler_.run_until(limit, false); }
  // From inside a handler: make the current run return once that handler is done.
  void stop() { scheduler_.stop(); }

  // Runs `action` at `time` (>= now) from the run loop: faults, scenario steps, probes. Actions due
  // at the same time run in the order they were scheduled.
  void at(TimePoint time, std::function<void()> action);
  void after(Duration delay, std::function<void()> action) { at(now() + delay, std::move(action)); }

  // ---- Faults (each takes effect now; wrap in at() to schedule)
  // Hosts in `side_a` cannot reach hosts in `side_b`, and (symmetric) the reverse. Streams across
  // the cut stall and reset after StreamConfig::stall_timeout unless healed first; datagrams across
  // it are lost; connects across it time out.
  PartitionId partition(std::span<const HostId> side_a, std::span<const HostId> side_b,
                        PartitionMode mode = PartitionMode::symmetric);
  void heal(PartitionId id);
  void heal_all();
  // The host stops: its connections die (peers see resets one latency later), its pending
  // operations fail with operation_aborted, its tasks get terminal cancellation, its sockets and
  // queues are gone. Its configuration (addresses, link) survives for restart().
  void crash(HostId id);
  void restart(HostId id);
  // New capacities apply at once, to flows in progress too; a new latency applies to what is sent
  // from now on.
  void set_link(HostId id, const LinkConfig& link);
  void set_udp_faults(const UdpFaults& faults);
  void set_udp_faults(HostId id, std::optional<UdpFaults> faults);

  // ---- Observing
  // One-way latency between two hosts: both access latencies plus the core latency.
  Duration latency(const Host& from, const Host& to) const;
  // Whether a packet from `from` would reach `to` now: both up, no partition in the way.
  bool host_up(HostId id) const { return hosts_up_[index_of(id)] != 0; }
  bool reachable(const Host& from, const Host& to) const {
    return from.up() && to.up() && !partitions_.cut(from.id(), to.id());
  }
  std::uint64_t trace_hash() const { return scheduler_.trace().value(); }
  Counters counters() const;

  // ---- Simulator internals (the transport uses these)
  Scheduler& scheduler() { return scheduler_; }
  TraceHash& trace() { return scheduler_.trace(); }
  NetworkCounters& network_counters() { return network_counters_; }
  net::Rng& network_rng() { return network_rng_; }
  const UdpFaults& udp_faults_for(const Host& sender) const {
    return sender.config().udp_faults ? *sender.config().udp_faults : config_.udp.faults;
  }
  Packet& acquire_packet();
  void release_packet(Packet& packet);
  // Routes a packet that left its sender's uplink / its receiver's downlink.
  void datagram_uplinked(Packet& packet);
  void datagram_arrived(Packet& packet);
  void datagram_downlinked(Packet& packet);
  Connection& create_connection(Host& client, const net::Endpoint& local,
                                const net::Endpoint& remote);
  // Frees a connection both of whose ends are closed, now or at the end of the current event.
  void retire_connection(Connection& connection);
  void add_stalled(Pipe& pipe);
  void remove_stalled(Pipe& pipe);

 private:
  class ScheduledCall;

  std::vector<net::Address> assign_addresses(HostId id, const HostConfig& config) const;
  Duration core_latency(const Host& from, const Host& to) const;
  void resume_stalled();
  void sweep_retired();
  void teardown();
  friend class Host;  // keeps hosts_up_ in step with Host::set_up()

  WorldConfig config_;
  Scheduler scheduler_;
  net::Rng network_rng_;
  NetworkCounters network_counters_;
  PartitionTable partitions_;
  std::vector<std::unique_ptr<Host>> hosts_;
  // Whether each host is up, densely, for hot paths that should not touch the Host object.
  std::vector<std::uint8_t> hosts_up_;
  // Lookups only, never iterated: its order cannot leak into a run.
  std::unordered_map<net::Address, Host*> hosts_by_address_;
  std::vector<std::unique_ptr<Packet>> packet_storage_;
  std::vector<Packet*> packets_free_;
  // Live connections in creation order; retired ones wait in retired_ until the sweep event frees
  // them, so that a connection never frees itself from inside one of its own member functions.
  std::list<Connection> connections_;
  std::list<Connection> retired_;
  IntrusiveList<Pipe, StalledTag> stalled_;
  // Actions given to at(): scheduled ones, and spare events for reuse.
  std::list<ScheduledCall> calls_;
  std::list<ScheduledCall> calls_free_;
  MemberEvent<World, &World::sweep_retired> sweep_event_{*this};
  bool tearing_down_ = false;
};

}  // namespace swarmlab::sim
