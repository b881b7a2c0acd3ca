// One direction of a host's access link (its uplink or its downlink) and how the flows using it
// share it.
//
// Sharing is deficit round robin at chunk granularity. Every flow with something to send through
// the link (a LinkClient: one direction of a stream, or a host's datagram queue) sits in a ring;
// the client at the front gets a turn worth `quantum` bytes, transmits units of its choosing (a
// chunk of stream bytes, one datagram) until the turn is used up or it has nothing more, and the
// turn passes on. A unit of n bytes occupies the link for n / rate seconds; an unlimited link
// (rate 0) transmits instantly. Over any interval in which k clients stay backlogged, each gets
// 1/k of the capacity, to within one quantum; a client that wants less leaves its share to the
// others. Together with the streams' windows (which stop a flow that is held back elsewhere from
// piling up here) this converges to max-min fair sharing along each flow's path.
#pragma once

#include "sim/event_queue.hpp"
#include "sim/intrusive_list.hpp"

#include <cstdint>

namespace swarmlab::sim {

class Scheduler;
class Link;

struct LinkRingTag;

class LinkClient : public ListHook<LinkRingTag> {
 public:
  LinkClient() = default;
  LinkClient(const LinkClient&) = delete;
  LinkClient& operator=(const LinkClient&) = delete;

  // Bytes the client transmits now: at least one, at most `budget`, unless `fresh_turn` (then a
  // unit larger than the budget is allowed). 0 when it has nothing that fits.
  virtual std::uint32_t link_take(std::uint32_t budget, bool fresh_turn) = 0;
  // Whether the client still has something to send (after a take that returned 0 because the
  // rest of its turn was too small).
  virtual bool link_backlogged() const = 0;
  // The last unit taken has been transmitted; the clock reads the end of its serialisation.
  virtual void link_done(std::uint32_t bytes) = 0;

  bool in_ring() const { return linked(); }

  // A client must detach() itself from its link before it goes away.
  virtual ~LinkClient() = default;
};

// How many bytes a link's round-robin turn is worth at a given rate (WorldConfig::link_turn).
struct QuantumRule {
  std::uint32_t bytes_max;
  Duration turn{0};  // 0: always bytes_max
  std::uint32_t bytes_for(std::uint64_t rate_bytes_per_second) const;
};

class Link {
 public:
  Link(Scheduler& scheduler, std::uint64_t rate_bytes_per_second, QuantumRule quantum);
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;
  ~Link();

  std::uint64_t rate_bytes_per_second() const { return rate_bytes_per_second_; }
  bool busy() const { return free_event_.scheduled(); }
  std::uint64_t transmitted_bytes() const { return transmitted_bytes_; }

  // The client has something to send: join the ring if it is not in it, and start if idle.
  void activate(LinkClient& client);
  // The client leaves the ring; a unit it has on the wire is still on the wire but is no longer
  // reported to it.
  void detach(LinkClient& client);
  // Takes effect at once, including for the unit being transmitted (its remaining bytes go at the
  // new rate).
  void set_rate(std::uint64_t rate_bytes_per_second);
  // Drops every client and any transmission (a crash).
  void reset();

 private:
  void start_next();
  void transmission_end();
  Duration serialisation_time(std::uint64_t bytes);

  Scheduler& scheduler_;
  std::uint64_t rate_bytes_per_second_;
  QuantumRule quantum_rule_;
  std::uint32_t quantum_bytes_;
  IntrusiveList<LinkClient, LinkRingTag> ring_;
  // What is on the wire now, while free_event_ is scheduled; null if its client left.
  LinkClient* transmitting_ = nullptr;
  std::uint32_t transmitting_bytes_ = 0;
  TimePoint transmission_start_{};
  // What is left of the front client's turn; 0 when the next take starts a fresh turn.
  std::uint32_t turn_budget_bytes_ = 0;
  // Serialisation times are rounded to nanoseconds; the remainder carries over so that a long
  // run of units takes exactly bytes / rate in total.
  std::uint64_t carry_ = 0;
  std::uint64_t transmitted_bytes_ = 0;
  bool starting_ = false;
  MemberEvent<Link, &Link::transmission_end> free_event_{*this};
};

}  // namespace swarmlab::sim
