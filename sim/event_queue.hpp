// The simulator's one event queue: every future happening (a timer expiry, the end of a chunk's
// serialisation on a link, a chunk or an acknowledgement reaching the far end, a scheduled fault)
// is an Event ordered by (time, sequence). The sequence number is taken when the event is
// scheduled, so events due at the same nanosecond fire in the order they were scheduled, whatever
// their addresses or types.
//
// The queue is a 4-ary min-heap of 32-byte slots holding the full 128-bit key next to the event
// pointer, so comparisons never touch the events themselves. Each event remembers its slot index,
// so an event can be cancelled or moved in O(log n) and its owner can be destroyed at any time
// (the owner unschedules it first). Events are embedded in their owners: scheduling never
// allocates.
#pragma once

#include "net/time.hpp"

#include <cassert>
#include <cstdint>
#include <vector>

namespace swarmlab::sim {

using net::Duration;
using net::TimePoint;

class EventQueue;

class Event {
 public:
  Event() = default;
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;

  bool scheduled() const { return slot_index_ != slot_index_none; }

  // Runs the happening. The event has left the queue; it may schedule itself again.
  virtual void fire() = 0;

  // An owner must cancel its events before it goes away.
  virtual ~Event() { assert(!scheduled()); }

 private:
  friend class EventQueue;
  static constexpr std::uint32_t slot_index_none = ~std::uint32_t{0};
  std::uint32_t slot_index_ = slot_index_none;
};

// An event that calls a member function of its owner.
template <class Owner, void (Owner::*Fire)()>
class MemberEvent final : public Event {
 public:
  explicit MemberEvent(Owner& owner) : owner_(&owner) {}
  ~MemberEvent() override = default;
  void fire() override { (owner_->*Fire)(); }

 private:
  Owner* owner_;
};

class EventQueue {
 public:
  EventQueue() = default;
  EventQueue(const EventQueue&) = delete;
  EventQueue& operator=(const EventQueue&) = delete;
  ~EventQueue() { assert(slots_.empty()); }

  bool empty() const { return slots_.empty(); }
  std::size_t size() const { return slots_.size(); }
  std::uint64_t scheduled_count() const { return sequence_next_; }

  // Schedules `event` at `time`, or moves it there if it is already scheduled. Either way it
  // takes a fresh sequence number, so it fires after every event already due at `time`.
  void schedule(Event& event, TimePoint time);
  void cancel(Event& event);
  // The time of a scheduled event.
  TimePoint time_of(const Event& event) const;

  TimePoint next_time() const {
    assert(!empty());
    return TimePoint(Duration(static_cast<std::int64_t>(slots_[0].key >> 64)));
  }
  // Removes the earliest event and returns it; the caller fires it.
  Event& pop();
  // Unschedules everything (teardown).
  void clear();

 private:
  __extension__ typedef unsigned __int128 Key;
  struct Slot {
    Key key;
    Event* event;
  };
  static constexpr std::size_t arity = 4;

  Key make_key(TimePoint time) {
    assert(time.time_since_epoch().count() >= 0);
    const auto nanoseconds = static_cast<std::uint64_t>(time.time_since_epoch().count());
    return (static_cast<Key>(nanoseconds) << 64) | sequence_next_++;
  }
  void place(std::size_t index, const Slot& slot) {
    slots_[index] = slot;
    slot.event->slot_index_ = static_cast<std::uint32_t>(index);
  }
  void sift_up(std::size_t index, Slot slot);
  void sift_down(std::size_t index, Slot slot);
  void remove_at(std::size_t index);

  std::vector<Slot> slots_;
  std::uint64_t sequence_next_ = 0;
};

}  // namespace swarmlab::sim
