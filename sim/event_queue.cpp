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
    assert(locations_.size() < Event::id_none);
    id = static_cast<std::uint32_t>(locations_.size());
    locations_.push_back(event_location_none);
  } else {
    id = ids_free_.back();
    ids_free_.pop_back();
  }
  event.queue_ = this;
  event.id_ = id;
  return id;
}

void EventQueue::release_id(std::uint32_t id) {
  assert(locations_[id] == event_location_none);
  ids_free_.push_back(id);
}

void EventQueue::schedule(Event& event, TimePoint time) {
  const std::uint32_t id = acquire_id(event);
  const EventKey key = make_event_key(time, sequence_next_++);
  if (event.scheduled_) {
    unlink(id);
  } else {
    event.scheduled_ = true;
    ++size_;
  }
  insert(key, EventEntry{&event, id});
}

void EventQueue::insert(EventKey key, EventEntry entry) {
  const auto time = static_cast<std::uint64_t>(key >> 64);
  std::size_t source = far_heap_source;
  if (time > popped_time_ && time - popped_time_ >= far_horizon_ns) {
    far_heap_.push(key, entry);
  } else {
    source = insert_near(key, entry, time);
  }
  // A key smaller than every other is at the front of whichever structure took it.
  if (size_ == 1 || key < next_key_) {
    next_source_ = source;
    next_key_ = key;
  }
}

std::size_t EventQueue::insert_near(EventKey key, EventEntry entry, std::uint64_t time) {
  // Best fit: the lane whose last key is the largest one below `key`. That keeps each stream of
  // in-order events in a lane of its own, and uses as few lanes as the interleaving allows.
  // Compared as back time + 1, so that a free lane (lane_free + 1 == 0) never fits and 0 means
  // that none was found; the loop has no data-dependent branches.
  std::size_t chosen = lane_count;
  std::uint64_t chosen_back = 0;
  for (std::size_t lane = 0; lane < lanes_used_; ++lane) {
    const std::uint64_t back = lane_back_times_[lane] + 1;
    const bool better = back <= time + 1 && back > chosen_back;
    chosen_back = better ? back : chosen_back;
    chosen = better ? lane : chosen;
  }
  if (chosen == lane_count) {
    // A new stream: a free lane, or a fresh one.
    for (std::size_t lane = 0; lane < lanes_used_ && chosen == lane_count; ++lane) {
      if (lane_back_times_[lane] == lane_free) chosen = lane;
    }
    if (chosen == lane_count && lanes_used_ < lane_count) chosen = lanes_used_++;
  }
  if (chosen == lane_count) {
    heap_.push(key, entry);
    return heap_source;
  }
  EventLane& lane = lanes_[chosen];
  const EventLocation lane_tag = static_cast<EventLocation>(chosen + 1)
                                 << event_location_lane_shift;
  if (lane.worth_compacting()) {
    lane.compact([&](const EventEntry& moved, std::uint64_t position) {
      locations_[moved.id] = lane_tag | position;
    });
  }
  const std::uint64_t position = lane.push(key, entry);
  assert(position <= event_location_index_mask);
  locations_[entry.id] = lane_tag | position;
  lane_back_times_[chosen] = time;
  return chosen;
}

std::size_t EventQueue::lane_capacity() const {
  std::size_t slots = 0;
  for (const EventLane& lane : lanes_)
    slots += lane.capacity();
  return slots;
}

void EventQueue::unlink(std::uint32_t id) {
  const EventLocation location = locations_[id];
  assert(location != event_location_none);
  const std::size_t structure = static_cast<std::size_t>(location >> event_location_lane_shift);
  const EventLocation index = location & event_location_index_mask;
  locations_[id] = event_location_none;
  if (structure == 0) {
    heap_.remove_at(static_cast<std::size_t>(index));
  } else if (structure == event_structure_far_heap) {
    far_heap_.remove_at(static_cast<std::size_t>(index));
  } else {
    lanes_[structure - 1].remove(index);
    note_if_empty(structure - 1);
  }
  find_next();
}

void EventQueue::cancel(Event& event) {
  if (!event.scheduled_) return;
  assert(event.queue_ == this);
  event.scheduled_ = false;
  --size_;
  unlink(event.id_);
}

TimePoint EventQueue::time_of(const Event& event) const {
  assert(event.scheduled_);
  assert(event.queue_ == this);
  const EventLocation location = locations_[event.id_];
  const std::size_t structure = static_cast<std::size_t>(location >> event_location_lane_shift);
  const EventLocation index = location & event_location_index_mask;
  if (structure == 0) return event_key_time(heap_.key_at(static_cast<std::size_t>(index)));
  if (structure == event_structure_far_heap) {
    return event_key_time(far_heap_.key_at(static_cast<std::size_t>(index)));
  }
  return event_key_time(lanes_[structure - 1].key_at(index));
}

void EventQueue::find_next() {
  next_source_ = heap_source;
  next_key_ = heap_.empty() ? ~EventKey{0} : heap_.top_key();
  if (!far_heap_.empty() && far_heap_.top_key() < next_key_) {
    next_source_ = far_heap_source;
    next_key_ = far_heap_.top_key();
  }
  for (std::size_t lane = 0; lane < lanes_used_; ++lane) {
    if (!lanes_[lane].empty() && lanes_[lane].front_key() < next_key_) {
      next_source_ = lane;
      next_key_ = lanes_[lane].front_key();
    }
  }
}

Event& EventQueue::pop() {
  assert(!empty());
  EventEntry entry;
  popped_source_ = next_source_;
  popped_time_ = static_cast<std::uint64_t>(next_key_ >> 64);
  if (next_source_ == heap_source) {
    entry = heap_.top_entry();
    heap_.pop();
  } else if (next_source_ == far_heap_source) {
    entry = far_heap_.top_entry();
    far_heap_.pop();
  } else {
    entry = lanes_[next_source_].front_entry();
    lanes_[next_source_].pop_front();
    note_if_empty(next_source_);
  }
  locations_[entry.id] = event_location_none;
  entry.event->scheduled_ = false;
  --size_;
  find_next();
  return *entry.event;
}

void EventQueue::prefetch_next() const {
  if (!heap_.empty()) prefetch(heap_.top_entry().event);
  // Only the lane that was popped has a new front; every other front had its turn when it became
  // one (or was just scheduled, and is in cache).
  if (popped_source_ == heap_source || popped_source_ == far_heap_source) return;
  const EventLane& lane = lanes_[popped_source_];
  if (lane.empty()) return;
  lane.prefetch(1);
  lane.front_entry().event->prefetch_targets();
}

void EventQueue::clear() {
  const auto forget = [this](const EventEntry& entry) {
    entry.event->scheduled_ = false;
    locations_[entry.id] = event_location_none;
  };
  for (const EventHeap* heap : {&heap_, &far_heap_}) {
    for (std::size_t index = 0; index < heap->size(); ++index)
      forget(heap->entry_at(index));
  }
  for (EventLane& lane : lanes_) {
    lane.for_each(forget);
    lane.clear();
  }
  heap_.clear();
  far_heap_.clear();
  lane_back_times_.fill(lane_free);
  size_ = 0;
  next_source_ = heap_source;
  next_key_ = ~EventKey{0};
}

}  // namespace swarmlab::sim
