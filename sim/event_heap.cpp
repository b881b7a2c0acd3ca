#include "sim/event_heap.hpp"

namespace swarmlab::sim {

void EventHeap::push(EventKey key, EventEntry entry) {
  keys_.push_back(key);
  entries_.push_back(entry);
  sift_up(keys_.size() - 1, key, entry);
}

void EventHeap::pop() {
  assert(!empty());
  const EventKey last_key = keys_.back();
  const EventEntry last_entry = entries_.back();
  keys_.pop_back();
  entries_.pop_back();
  const std::size_t size = keys_.size();
  if (size == 0) return;
  // Walk the hole down to a leaf along the smallest children, then settle the last key there.
  std::size_t hole = 0;
  for (;;) {
    const std::size_t first_child = hole * arity + 1;
    if (first_child >= size) break;
    const std::size_t child = smallest_child(first_child, size);
    place(hole, keys_[child], entries_[child]);
    hole = child;
  }
  sift_up(hole, last_key, last_entry);
}

void EventHeap::remove_at(std::size_t index) {
  assert(index < keys_.size());
  const EventKey last_key = keys_.back();
  const EventEntry last_entry = entries_.back();
  keys_.pop_back();
  entries_.pop_back();
  if (index == keys_.size()) return;
  // The last slot fills the hole; it may belong above or below it.
  if (index > 0 && last_key < keys_[(index - 1) / arity]) {
    sift_up(index, last_key, last_entry);
  } else {
    sift_down(index, last_key, last_entry);
  }
}

void EventHeap::rekey(std::size_t index, EventKey key) {
  const EventEntry entry = entries_[index];
  if (key < keys_[index]) {
    sift_up(index, key, entry);
  } else {
    sift_down(index, key, entry);
  }
}

void EventHeap::sift_up(std::size_t index, EventKey key, EventEntry entry) {
  while (index > 0) {
    const std::size_t parent = (index - 1) / arity;
    if (!(key < keys_[parent])) break;
    place(index, keys_[parent], entries_[parent]);
    index = parent;
  }
  place(index, key, entry);
}

void EventHeap::sift_down(std::size_t index, EventKey key, EventEntry entry) {
  const std::size_t size = keys_.size();
  for (;;) {
    const std::size_t first_child = index * arity + 1;
    if (first_child >= size) break;
    const std::size_t smallest = smallest_child(first_child, size);
    if (!(keys_[smallest] < key)) break;
    place(index, keys_[smallest], entries_[smallest]);
    index = smallest;
  }
  place(index, key, entry);
}

}  // namespace swarmlab::sim
