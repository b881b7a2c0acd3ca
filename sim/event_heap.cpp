#include "sim/event_heap.hpp"

#include "sim/prefetch.hpp"

#include <algorithm>

namespace swarmlab::sim {

void EventHeap::push(EventKey key, EventEntry entry) {
  keys_.push_back(key);
  entries_.push_back(entry);
  sift_up(size() - 1, key, entry);
}

void EventHeap::pop() {
  assert(!empty());
  const EventKey last_key = keys_.back();
  const EventEntry last_entry = entries_.back();
  keys_.pop_back();
  entries_.pop_back();
  const std::size_t size = this->size();
  if (size == 0) return;
  // Walk the hole down to a leaf along the smallest children, then settle the last key there.
  std::size_t hole = 0;
  for (;;) {
    const std::size_t first_child = hole * arity + 1;
    if (first_child >= size) break;
    const std::size_t child = smallest_child(first_child, size);
    // The next step's children, while this one's entry moves (any address may be prefetched).
    const std::size_t next_first_child = std::min(child * arity + 1, size);
    prefetch(keys_.data() + padding + next_first_child);
    prefetch(entries_.data() + padding + next_first_child);
    place(hole, key_at(child), entry_at(child));
    hole = child;
  }
  sift_up(hole, last_key, last_entry);
}

void EventHeap::remove_at(std::size_t index) {
  assert(index < size());
  const EventKey last_key = keys_.back();
  const EventEntry last_entry = entries_.back();
  keys_.pop_back();
  entries_.pop_back();
  if (index == size()) return;
  // The last slot fills the hole; it may belong above or below it.
  if (index > 0 && last_key < key_at((index - 1) / arity)) {
    sift_up(index, last_key, last_entry);
  } else {
    sift_down(index, last_key, last_entry);
  }
}

void EventHeap::rekey(std::size_t index, EventKey key) {
  const EventEntry entry = entry_at(index);
  if (key < key_at(index)) {
    sift_up(index, key, entry);
  } else {
    sift_down(index, key, entry);
  }
}

void EventHeap::sift_up(std::size_t index, EventKey key, EventEntry entry) {
  while (index > 0) {
    const std::size_t parent = (index - 1) / arity;
    if (!(key < key_at(parent))) break;
    place(index, key_at(parent), entry_at(parent));
    index = parent;
  }
  place(index, key, entry);
}

void EventHeap::sift_down(std::size_t index, EventKey key, EventEntry entry) {
  const std::size_t size = this->size();
  for (;;) {
    const std::size_t first_child = index * arity + 1;
    if (first_child >= size) break;
    const std::size_t smallest = smallest_child(first_child, size);
    if (!(key_at(smallest) < key)) break;
    place(index, key_at(smallest), entry_at(smallest));
    index = smallest;
  }
  place(index, key, entry);
}

}  // namespace swarmlab::sim
