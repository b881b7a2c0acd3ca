#include "sim/event_queue.hpp"

namespace swarmlab::sim {

void EventQueue::schedule(Event& event, TimePoint time) {
  const Slot slot{make_key(time), &event};
  if (event.scheduled()) {
    const std::size_t index = event.slot_index_;
    assert(slots_[index].event == &event);
    // A fresh key is never smaller than an old one at the same time, but the time may move either
    // way.
    if (slot.key < slots_[index].key) {
      sift_up(index, slot);
    } else {
      sift_down(index, slot);
    }
    return;
  }
  assert(slots_.size() < Event::slot_index_none);
  slots_.push_back(slot);
  sift_up(slots_.size() - 1, slot);
}

void EventQueue::cancel(Event& event) {
  if (!event.scheduled()) return;
  assert(slots_[event.slot_index_].event == &event);
  remove_at(event.slot_index_);
}

TimePoint EventQueue::time_of(const Event& event) const {
  assert(event.scheduled());
  assert(slots_[event.slot_index_].event == &event);
  return TimePoint(Duration(static_cast<std::int64_t>(slots_[event.slot_index_].key >> 64)));
}

Event& EventQueue::pop() {
  assert(!empty());
  Event& event = *slots_[0].event;
  remove_at(0);
  return event;
}

void EventQueue::clear() {
  for (const Slot& slot : slots_)
    slot.event->slot_index_ = Event::slot_index_none;
  slots_.clear();
}

void EventQueue::remove_at(std::size_t index) {
  assert(index < slots_.size());
  slots_[index].event->slot_index_ = Event::slot_index_none;
  const Slot last = slots_.back();
  slots_.pop_back();
  if (index == slots_.size()) return;
  // The last slot fills the hole; it may belong above or below it.
  if (index > 0 && last.key < slots_[(index - 1) / arity].key) {
    sift_up(index, last);
  } else {
    sift_down(index, last);
  }
}

void EventQueue::sift_up(std::size_t index, Slot slot) {
  while (index > 0) {
    const std::size_t parent = (index - 1) / arity;
    if (!(slot.key < slots_[parent].key)) break;
    place(index, slots_[parent]);
    index = parent;
  }
  place(index, slot);
}

void EventQueue::sift_down(std::size_t index, Slot slot) {
  const std::size_t size = slots_.size();
  for (;;) {
    const std::size_t first_child = index * arity + 1;
    if (first_child >= size) break;
    // The smallest of up to four children; keys are unique, so there are no ties to break.
    std::size_t smallest = first_child;
    const std::size_t last_child = first_child + arity < size ? first_child + arity : size;
    for (std::size_t child = first_child + 1; child < last_child; ++child) {
      if (slots_[child].key < slots_[smallest].key) smallest = child;
    }
    if (!(slots_[smallest].key < slot.key)) break;
    place(index, slots_[smallest]);
    index = smallest;
  }
  place(index, slot);
}

}  // namespace swarmlab::sim
