// What the event queue's structures (the lanes and the two heaps) store for a scheduled event: its
// key, its event, its dense id; and where each id currently sits.
#pragma once

#include "net/time.hpp"

#include <cassert>
#include <cstdint>

namespace swarmlab::sim {

class Event;

// (time in nanoseconds) << 64 | sequence: unique, and ordered as events must fire.
__extension__ typedef unsigned __int128 EventKey;

inline EventKey make_event_key(net::TimePoint time, std::uint64_t sequence) {
  assert(time.time_since_epoch().count() >= 0);
  const auto nanoseconds = static_cast<std::uint64_t>(time.time_since_epoch().count());
  return (static_cast<EventKey>(nanoseconds) << 64) | sequence;
}

inline net::TimePoint event_key_time(EventKey key) {
  return net::TimePoint(net::Duration(static_cast<std::int64_t>(key >> 64)));
}

struct EventEntry {
  Event* event;
  std::uint32_t id;
};

// Where an id's event is: nowhere, a slot in one of the heaps, or an absolute position in one of
// the lanes. The top byte says which structure (0: the near heap, l + 1: lane l,
// event_structure_far_heap: the far heap), the rest is the index.
using EventLocation = std::uint64_t;
constexpr EventLocation event_location_none = ~EventLocation{0};
constexpr unsigned event_location_lane_shift = 56;
constexpr EventLocation event_location_index_mask =
    (EventLocation{1} << event_location_lane_shift) - 1;
constexpr EventLocation event_structure_far_heap = 0xfe;

}  // namespace swarmlab::sim
