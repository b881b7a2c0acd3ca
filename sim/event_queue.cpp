#include "sim/event_queue.hpp"

namespace swarmlab::sim {

Event::~Event() {
  assert(!scheduled_);
  if (queue_ != nullptr) queue_->release_id(id_);
}

void Event::forget_queue() {
  assert(!scheduled_);
  queue_ = nullptr;
  id_ = id_none;
}

std::uint32_t EventQueue::acquire_new_id(Event& event) {
  assert(event.queue_ == nullptr);
  std::uint32_t id;
  if (ids_free_.empty()) {
    assert(positions_.size() < position_none);
    id = static_cast<std::uint32_t>(positions_.size());
    positions_.push_back(position_none);
  } else {
    id = ids_free_.back();
    ids_free_.pop_back();
  }
  event.queue_ = this;
  event.id_ = id;
  return id;
}

void EventQueue::release_id(std::uint32_t id) {
  assert(positions_[id] == position_none);
  ids_free_.push_back(id);
}

void EventQueue::schedule(Event& event, TimePoint time) {
  const std::uint32_t id = acquire_id(event);
  const Key key = make_key(time);
  const Entry entry{&event, id};
  if (event.scheduled_) {
    const std::size_t index = positions_[id];
    assert(entries_[index].event == &event);
    // A fresh key is never smaller than an old one at the same time, but the time may move either
    // way.
    if (key < keys_[index]) {
      sift_up(index, key, entry);
    } else {
      sift_down(index, key, entry);
    }
    return;
  }
  assert(keys_.size() < position_none);
  event.scheduled_ = true;
  keys_.push_back(key);
  entries_.push_back(entry);
  sift_up(keys_.size() - 1, key, entry);
}

void EventQueue::cancel(Event& event) {
  if (!event.scheduled_) return;
  assert(event.queue_ == this);
  remove_at(positions_[event.id_]);
}

TimePoint EventQueue::time_of(const Event& event) const {
  assert(event.scheduled_);
  assert(event.queue_ == this);
  return TimePoint(Duration(static_cast<std::int64_t>(keys_[positions_[event.id_]] >> 64)));
}

Event& EventQueue::pop() {
  assert(!empty());
  Event& event = *entries_[0].event;
  event.scheduled_ = false;
  positions_[entries_[0].id] = position_none;
  const Key last_key = keys_.back();
  const Entry last_entry = entries_.back();
  keys_.pop_back();
  entries_.pop_back();
  const std::size_t size = keys_.size();
  if (size == 0) return event;
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
  return event;
}

void EventQueue::clear() {
  for (const Entry& entry : entries_) {
    entry.event->scheduled_ = false;
    positions_[entry.id] = position_none;
  }
  keys_.clear();
  entries_.clear();
}

void EventQueue::remove_at(std::size_t index) {
  assert(index < keys_.size());
  const Entry removed = entries_[index];
  removed.event->scheduled_ = false;
  positions_[removed.id] = position_none;
  const Key last_key = keys_.back();
  const Entry last_entry = entries_.back();
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

void EventQueue::sift_up(std::size_t index, Key key, Entry entry) {
  while (index > 0) {
    const std::size_t parent = (index - 1) / arity;
    if (!(key < keys_[parent])) break;
    place(index, keys_[parent], entries_[parent]);
    index = parent;
  }
  place(index, key, entry);
}

void EventQueue::sift_down(std::size_t index, Key key, Entry entry) {
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
