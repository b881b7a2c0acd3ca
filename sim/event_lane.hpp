// A lane of the event queue: a FIFO of events whose keys were appended in increasing order. Most
// of a simulation's events are scheduled a fixed delay ahead of now (a timer re-armed every
// period, a chunk arriving one latency after it left, a link free after one chunk's serialisation
// time), so each such stream of events arrives already sorted. A lane keeps one such stream in a
// ring: appending and popping are O(1) and walk memory in order, where a heap would sift through
// its levels. A cancelled event leaves a hole that the front skips, or that a compaction closes
// when the ring fills up with holes.
#pragma once

#include "sim/event_slot.hpp"
#include "sim/prefetch.hpp"

#include <cstddef>
#include <memory>

namespace swarmlab::sim {

class EventLane {
 public:
  bool empty() const { return live_ == 0; }
  std::size_t size() const { return live_; }
  // Slots allocated, holes included.
  std::size_t capacity() const { return capacity_; }
  // Whether `key` may be appended: the lane is empty or its last key is smaller.
  bool accepts(EventKey key) const { return empty() || back_key_ < key; }
  EventKey back_key() const { return back_key_; }
  EventKey front_key() const {
    assert(!empty());
    return slot(head_).key;
  }
  const EventEntry& front_entry() const {
    assert(!empty());
    return slot(head_).entry;
  }
  EventKey key_at(std::uint64_t position) const { return slot(position).key; }

  // Appends; returns the entry's position (stable until it leaves the lane).
  std::uint64_t push(EventKey key, EventEntry entry) {
    assert(accepts(key));
    if (empty()) head_ = tail_;
    if (tail_ - head_ == capacity_) grow();
    Slot& target = slot(tail_);
    target.key = key;
    target.entry = entry;
    back_key_ = key;
    ++live_;
    return tail_++;
  }
  void pop_front() {
    assert(!empty());
    --live_;
    ++head_;
    skip_holes();
  }
  void remove(std::uint64_t position) {
    assert(position >= head_ && position < tail_);
    assert(slot(position).entry.event != nullptr);
    slot(position).entry.event = nullptr;
    --live_;
    if (position == head_) skip_holes();
  }
  // Full, with at most half of it live: the holes that cancelled events left behind the front
  // (a long timeout re-armed again and again leaves one per re-arm) are worth reclaiming.
  bool worth_compacting() const { return tail_ - head_ == capacity_ && live_ * 2 <= capacity_; }
  // Closes the holes, keeping the order; `moved(entry, position)` is told every new position.
  template <class Moved>
  void compact(Moved moved) {
    std::uint64_t to = head_;
    for (std::uint64_t from = head_; from < tail_; ++from) {
      const Slot current = slot(from);
      if (current.entry.event == nullptr) continue;
      // `to` never passes `from`, so a slot is read before it can be overwritten.
      slot(to) = current;
      moved(current.entry, to);
      ++to;
    }
    tail_ = to;
  }
  // Asks the processor to load the event `distance` places behind the front.
  void prefetch(std::uint64_t distance) const {
    if (head_ + distance < tail_) sim::prefetch(slot(head_ + distance).entry.event);
  }
  template <class Visit>
  void for_each(Visit visit) const {
    for (std::uint64_t position = head_; position < tail_; ++position) {
      if (slot(position).entry.event != nullptr) visit(slot(position).entry);
    }
  }
  void clear() {
    head_ = tail_;
    live_ = 0;
  }

 private:
  struct Slot {
    EventKey key;
    EventEntry entry;
  };
  static constexpr std::size_t capacity_initial = 64;

  Slot& slot(std::uint64_t position) { return slots_[position & (capacity_ - 1)]; }
  const Slot& slot(std::uint64_t position) const { return slots_[position & (capacity_ - 1)]; }

  void skip_holes() {
    if (live_ == 0) {
      head_ = tail_;
      return;
    }
    while (slot(head_).entry.event == nullptr)
      ++head_;
  }

  void grow() {
    const std::size_t capacity = capacity_ == 0 ? capacity_initial : capacity_ * 2;
    auto slots = std::make_unique<Slot[]>(capacity);
    for (std::uint64_t position = head_; position < tail_; ++position)
      slots[position & (capacity - 1)] = slot(position);
    slots_ = std::move(slots);
    capacity_ = capacity;
  }

  std::unique_ptr<Slot[]> slots_;
  std::size_t capacity_ = 0;  // 0 or a power of two
  // Absolute positions: the ring holds [head_, tail_), holes included.
  std::uint64_t head_ = 0;
  std::uint64_t tail_ = 0;
  std::size_t live_ = 0;
  EventKey back_key_ = 0;
};

}  // namespace swarmlab::sim
