// The simulator's one event queue: every future happening (a timer expiry, the end of a chunk's
// serialisation on a link, a chunk or an acknowledgement reaching the far end, a scheduled fault)
// is an Event ordered by (time, sequence). The sequence number is taken when the event is
// scheduled, so events due at the same nanosecond fire in the order they were scheduled, whatever
// their addresses or types.
//
// The queue is a 4-ary min-heap. Keys (128 bits: time, then sequence) sit in one array, so the
// four children of a node are 64 contiguous bytes, and a parallel array holds each slot's event
// and id. Removing the minimum walks the hole down along the smaller children (picked without
// branches) and lifts the last key back up from there, which is cheap because the last key is
// usually one of the largest. An event gets a small dense id the first time it is scheduled; the
// queue keeps each id's slot index in a side array, so that an event can be cancelled or moved in
// O(log n) without the heap ever writing into the events it moves around (at 10^4..10^5 pending
// events those writes were cache misses). Events are embedded in their owners: scheduling never
// allocates once the arrays have grown.
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
  // An owner must cancel its events before it goes away.
  virtual ~Event();

  bool scheduled() const { return scheduled_; }

  // Runs the happening. The event has left the queue; it may schedule itself again.
  virtual void fire() = 0;

  // Teardown: the queue is going away before this event (whose owner outlives the world).
  void forget_queue();

 private:
  friend class EventQueue;
  static constexpr std::uint32_t id_none = ~std::uint32_t{0};
  EventQueue* queue_ = nullptr;
  std::uint32_t id_ = id_none;
  bool scheduled_ = false;
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
  ~EventQueue() { assert(keys_.empty()); }

  bool empty() const { return keys_.empty(); }
  std::size_t size() const { return keys_.size(); }

  // Schedules `event` at `time`, or moves it there if it is already scheduled. Either way it
  // takes a fresh sequence number, so it fires after every event already due at `time`.
  void schedule(Event& event, TimePoint time);
  void cancel(Event& event);
  // The time of a scheduled event.
  TimePoint time_of(const Event& event) const;

  TimePoint next_time() const {
    assert(!empty());
    return TimePoint(Duration(static_cast<std::int64_t>(keys_[0] >> 64)));
  }
  // Removes the earliest event and returns it; the caller fires it.
  Event& pop();
  // Asks the processor to start loading the next event's owner while the current one fires: with
  // tens of thousands of hosts, the owners are rarely in cache.
  void prefetch_next() const {
    if (!entries_.empty()) __builtin_prefetch(entries_[0].event);
  }
  // Unschedules everything (teardown).
  void clear();

 private:
  friend class Event;
  __extension__ typedef unsigned __int128 Key;
  struct Entry {
    Event* event;
    std::uint32_t id;
  };
  static constexpr std::size_t arity = 4;
  static constexpr std::uint32_t position_none = ~std::uint32_t{0};

  Key make_key(TimePoint time) {
    assert(time.time_since_epoch().count() >= 0);
    const auto nanoseconds = static_cast<std::uint64_t>(time.time_since_epoch().count());
    return (static_cast<Key>(nanoseconds) << 64) | sequence_next_++;
  }
  void place(std::size_t index, Key key, Entry entry) {
    keys_[index] = key;
    entries_[index] = entry;
    positions_[entry.id] = static_cast<std::uint32_t>(index);
  }
  std::uint32_t acquire_id(Event& event) {
    if (event.queue_ == this) return event.id_;
    return acquire_new_id(event);
  }
  std::uint32_t acquire_new_id(Event& event);
  void release_id(std::uint32_t id);
  // The smallest of the children starting at `first_child` (at most `arity`, up to `size`).
  std::size_t smallest_child(std::size_t first_child, std::size_t size) const;
  void sift_up(std::size_t index, Key key, Entry entry);
  void sift_down(std::size_t index, Key key, Entry entry);
  void remove_at(std::size_t index);

  std::vector<Key> keys_;
  std::vector<Entry> entries_;
  // Slot index of each id (position_none while its event is not scheduled).
  std::vector<std::uint32_t> positions_;
  std::vector<std::uint32_t> ids_free_;
  std::uint64_t sequence_next_ = 0;
};

inline std::size_t EventQueue::smallest_child(std::size_t first_child, std::size_t size) const {
  const Key* key = keys_.data();
  if (first_child + arity <= size) {
    // All four children exist: a tournament of conditional moves, no data-dependent branches.
    // Keys are unique, so there are no ties to break.
    const std::size_t left =
        key[first_child + 1] < key[first_child] ? first_child + 1 : first_child;
    const std::size_t right =
        key[first_child + 3] < key[first_child + 2] ? first_child + 3 : first_child + 2;
    return key[right] < key[left] ? right : left;
  }
  std::size_t smallest = first_child;
  for (std::size_t child = first_child + 1; child < size; ++child) {
    if (key[child] < key[smallest]) smallest = child;
  }
  return smallest;
}

}  // namespace swarmlab::sim
