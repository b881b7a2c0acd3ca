// Datagrams in the simulated network. A Packet carries one datagram's bytes from the sender's
// socket through the sender's uplink, the core (where loss, duplication, jitter and reordering
// happen) and the receiver's downlink to the receiving socket. Packets are pooled by the world and
// reused, so sending does not allocate once the pool is warm.
//
// A PacketQueue is a host's datagram traffic at one end of its access link: a FIFO that is one
// client of the link's round robin (so datagrams share the link with streams), bounded by the
// link's queue limit.
#pragma once

#include "net/endpoint.hpp"
#include "sim/event_queue.hpp"
#include "sim/ids.hpp"
#include "sim/intrusive_list.hpp"
#include "sim/link.hpp"

#include <cstdint>
#include <vector>

namespace swarmlab::sim {

class World;
struct PacketQueueTag;

class Packet final : public Event, public ListHook<PacketQueueTag> {
 public:
  explicit Packet(World& world) : world_(&world) {}
  ~Packet() override = default;

  // Arrival at the receiver's end of the core.
  void fire() override;

  std::uint32_t size_bytes() const { return static_cast<std::uint32_t>(payload.size()); }

  std::vector<std::uint8_t> payload;
  net::Endpoint source;
  net::Endpoint target;
  HostId source_host{};
  HostId target_host{};

 private:
  World* world_;
};

class PacketQueue final : public LinkClient {
 public:
  enum class End : std::uint8_t { uplink, downlink };

  PacketQueue(World& world, End end) : world_(&world), end_(end) {}
  ~PacketQueue();

  std::uint64_t queued_bytes() const { return queued_bytes_; }
  // Queues `packet` unless that would take the queue past `limit_bytes` (0: no limit).
  bool push(Packet& packet, std::uint64_t limit_bytes);
  // Returns every queued packet to the pool (a crash or a restart).
  void clear();

  std::uint32_t link_take(std::uint32_t budget, bool fresh_turn) override;
  bool link_backlogged() const override { return !packets_.empty(); }
  void link_done(std::uint32_t bytes) override;

 private:
  World* world_;
  End end_;
  IntrusiveList<Packet, PacketQueueTag> packets_;
  Packet* transmitting_ = nullptr;
  std::uint64_t queued_bytes_ = 0;
};

}  // namespace swarmlab::sim
