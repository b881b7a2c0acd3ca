// The event queue's general structure: a 4-ary min-heap of (key, entry) for events whose times
// arrive in no particular order (the lanes, event_lane.hpp, take the ones that arrive in order).
//
// Keys sit in one array, so the four children of a node are 64 contiguous bytes, and a parallel
// array holds each slot's entry. Both arrays start on a cache line, with three unused slots ahead
// of the root, so that every node's children fill exactly one line of each: a step down the heap
// touches two lines, not up to four, and the next step's lines are prefetched while this one
// moves. Removing the minimum walks the hole down along the smaller children (picked without
// branches) and lifts the last key back up from there, which is cheap because the last key is
// usually one of the largest. Every move records the slot (tagged with which heap it is) in the
// queue's location table, so that an event can be cancelled or moved in O(log n) without the heap
// ever writing into the events it moves around.
#pragma once

#include "sim/event_slot.hpp"

#include <cstddef>
#include <new>
#include <vector>

namespace swarmlab::sim {

// Allocates on cache-line boundaries.
template <class T>
struct CacheLineAllocator {
  using value_type = T;
  static constexpr std::align_val_t alignment{64};
  CacheLineAllocator() = default;
  template <class U>
  CacheLineAllocator(const CacheLineAllocator<U>&) {}  // NOLINT: rebinding converts implicitly
  T* allocate(std::size_t count) {
    return static_cast<T*>(::operator new(count * sizeof(T), alignment));
  }
  void deallocate(T* pointer, std::size_t) { ::operator delete(pointer, alignment); }
  friend bool operator==(const CacheLineAllocator&, const CacheLineAllocator&) = default;
};

class EventHeap {
 public:
  // `structure` is the top byte of every location this heap records (event_slot.hpp).
  EventHeap(std::vector<EventLocation>& locations, EventLocation structure)
      : locations_(&locations), tag_(structure << event_location_lane_shift) {
    keys_.resize(padding);
    entries_.resize(padding);
  }
  EventHeap(const EventHeap&) = delete;
  EventHeap& operator=(const EventHeap&) = delete;

  bool empty() const { return size() == 0; }
  std::size_t size() const { return keys_.size() - padding; }
  EventKey top_key() const {
    assert(!empty());
    return key_at(0);
  }
  const EventEntry& top_entry() const {
    assert(!empty());
    return entry_at(0);
  }
  EventKey key_at(std::size_t index) const { return keys_[padding + index]; }
  const EventEntry& entry_at(std::size_t index) const { return entries_[padding + index]; }

  void push(EventKey key, EventEntry entry);
  // Removes the minimum; the caller has read it (and forgets its location).
  void pop();
  // Removes the entry at `index`; the caller forgets its location.
  void remove_at(std::size_t index);
  // Gives the entry at `index` a new key.
  void rekey(std::size_t index, EventKey key);
  void clear() {
    keys_.resize(padding);
    entries_.resize(padding);
  }

 private:
  static constexpr std::size_t arity = 4;
  // Heap index i is array position padding + i: the children of i, from 4i + 1, start at 4(i + 1).
  static constexpr std::size_t padding = arity - 1;
  static_assert(arity * sizeof(EventKey) == 64 && arity * sizeof(EventEntry) == 64);

  void place(std::size_t index, EventKey key, EventEntry entry) {
    keys_[padding + index] = key;
    entries_[padding + index] = entry;
    (*locations_)[entry.id] = tag_ | static_cast<EventLocation>(index);
  }
  // The smallest of the children starting at `first_child` (at most `arity`, up to `size`).
  std::size_t smallest_child(std::size_t first_child, std::size_t size) const;
  void sift_up(std::size_t index, EventKey key, EventEntry entry);
  void sift_down(std::size_t index, EventKey key, EventEntry entry);

  std::vector<EventKey, CacheLineAllocator<EventKey>> keys_;
  std::vector<EventEntry, CacheLineAllocator<EventEntry>> entries_;
  std::vector<EventLocation>* locations_;
  EventLocation tag_;
};

inline std::size_t EventHeap::smallest_child(std::size_t first_child, std::size_t size) const {
  const EventKey* key = keys_.data() + padding;
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
