// The simulator's one event queue: every future happening (a timer expiry, the end of a chunk's
// serialisation on a link, a chunk or an acknowledgement reaching the far end, a scheduled fault)
// is an Event ordered by (time, sequence). The sequence number is taken when the event is
// scheduled, so events due at the same nanosecond fire in the order they were scheduled, whatever
// their addresses or types.
//
// Three structures hold the scheduled events. An event due at least far_horizon_ns after the last
// one popped goes to the far heap: in a large world most scheduled events are timeouts minutes
// ahead (a connection's keep-alive and inactivity deadlines), and kept apart they no longer fill
// the levels of the heap that every near event sifts through. Lanes (event_lane.hpp) are FIFOs
// that each take a stream of near events scheduled in increasing order; most events are (periodic
// timers, latencies, serialisation times), and a lane handles them in O(1) with memory walked in
// order. A near event that fits no lane goes to the near heap, a 4-ary heap (event_heap.hpp) that
// stays small enough to live in cache. The next event is the smallest of both heaps' tops and the
// lanes' fronts; since keys are unique, which structure holds an event never changes the order in
// which events fire, and far events need not move to the near heap as their time approaches. An
// event gets a small dense id the first time it is scheduled; the queue keeps each id's location
// in a side array, so that an event can be cancelled or moved without the queue ever writing into
// the events it moves around. Events are embedded in their owners: scheduling never allocates
// once the arrays have grown.
#pragma once

#include "net/time.hpp"
#include "sim/event_heap.hpp"
#include "sim/event_lane.hpp"
#include "sim/event_slot.hpp"

#include <array>
#include <cassert>
#include <cstdint>
#include <type_traits>
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
  // The event fires soon (it is next in its lane): ask the processor to start loading what fire()
  // will touch beyond the event itself, which is already loaded.
  virtual void prefetch_targets() const {}

  // Teardown: the queue is going away before this event (whose owner outlives the world).
  void forget_queue();

 private:
  friend class EventQueue;
  static constexpr std::uint32_t id_none = ~std::uint32_t{0};
  EventQueue* queue_ = nullptr;
  std::uint32_t id_ = id_none;
  bool scheduled_ = false;
};

// An event that calls a member function of its owner, and optionally another to prefetch.
// `Prefetch` is nullptr or a const member function.
template <class Owner, void (Owner::*Fire)(), auto Prefetch = nullptr>
class MemberEvent final : public Event {
 public:
  explicit MemberEvent(Owner& owner) : owner_(&owner) {}
  ~MemberEvent() override = default;
  void fire() override { (owner_->*Fire)(); }
  void prefetch_targets() const override {
    if constexpr (!std::is_null_pointer_v<decltype(Prefetch)>) (owner_->*Prefetch)();
  }

 private:
  Owner* owner_;
};

class EventQueue {
 public:
  EventQueue() { lane_back_times_.fill(lane_free); }
  EventQueue(const EventQueue&) = delete;
  EventQueue& operator=(const EventQueue&) = delete;
  ~EventQueue() { assert(empty()); }

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  // Slots the lanes have allocated (live events and the holes cancelled ones left).
  std::size_t lane_capacity() const;

  // Schedules `event` at `time`, or moves it there if it is already scheduled. Either way it
  // takes a fresh sequence number, so it fires after every event already due at `time`.
  void schedule(Event& event, TimePoint time);
  void cancel(Event& event);
  // The time of a scheduled event.
  TimePoint time_of(const Event& event) const;

  TimePoint next_time() const {
    assert(!empty());
    return event_key_time(next_key_);
  }
  // Removes the earliest event and returns it; the caller fires it.
  Event& pop();
  // Asks the processor to start loading what the next events touch while the current one fires:
  // with tens of thousands of hosts, little of it is in cache. In the lane just popped, the event
  // two places ahead is loaded, and what its new front will touch is prefetched (by then the
  // front itself has arrived); the heap's top is loaded one place ahead.
  void prefetch_next() const;
  // Unschedules everything (teardown).
  void clear();

 private:
  friend class Event;
  static constexpr std::size_t lane_count = 8;
  // Where the next event is: a lane's index, heap_source or far_heap_source.
  static constexpr std::size_t heap_source = lane_count;
  static constexpr std::size_t far_heap_source = lane_count + 1;
  static_assert(lane_count + 1 < event_structure_far_heap);
  // Events due at least this long after the last one popped go to the far heap. A second is
  // longer than most latencies and serialisation times, and far shorter than timeouts.
  static constexpr std::uint64_t far_horizon_ns = 1'000'000'000;

  std::uint32_t acquire_id(Event& event) {
    if (event.queue_ == this) return event.id_;
    return acquire_new_id(event);
  }
  std::uint32_t acquire_new_id(Event& event);
  void release_id(std::uint32_t id);
  void insert(EventKey key, EventEntry entry);
  // Puts a key due before the far horizon in a lane or the near heap; returns which.
  std::size_t insert_near(EventKey key, EventEntry entry, std::uint64_t time);
  // Takes a scheduled entry out of whichever structure holds it.
  void unlink(std::uint32_t id);
  // Finds the next event again (after it left, or after any removal).
  void find_next();
  // A lane became empty: it is free for another stream.
  void note_if_empty(std::size_t lane) {
    if (lanes_[lane].empty()) lane_back_times_[lane] = lane_free;
  }

  std::vector<EventLocation> locations_;
  EventHeap heap_{locations_, 0};
  EventHeap far_heap_{locations_, event_structure_far_heap};
  std::array<EventLane, lane_count> lanes_;
  // The time of each lane's last key, or lane_free. Because a new key has the newest sequence
  // number, it may follow a lane's last key exactly when its time is not earlier: insertion
  // compares 64-bit times in this one small array.
  static constexpr std::uint64_t lane_free = ~std::uint64_t{0};
  std::array<std::uint64_t, lane_count> lane_back_times_;
  // Lanes [0, lanes_used_) have been used; the rest are empty.
  std::size_t lanes_used_ = 0;
  // Where the next event is and its key, kept up to date by every change (when not empty).
  std::size_t next_source_ = heap_source;
  // Where the last popped event came from (prefetch_next() looks ahead there).
  std::size_t popped_source_ = heap_source;
  EventKey next_key_ = ~EventKey{0};
  // The time of the last event popped, in nanoseconds: what "far" is measured from.
  std::uint64_t popped_time_ = 0;
  std::size_t size_ = 0;
  std::vector<std::uint32_t> ids_free_;
  std::uint64_t sequence_next_ = 0;
};

}  // namespace swarmlab::sim
