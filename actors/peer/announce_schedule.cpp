#include "actors/peer/announce_schedule.hpp"

#include <algorithm>
#include <cassert>
#include <chrono>

namespace swarmlab::peer {

net::Duration regular_interval(std::uint32_t interval_seconds,
                               std::optional<std::uint32_t> min_interval_seconds,
                               const TrackerClientOptions& options) {
  net::Duration interval = interval_seconds == 0
                               ? options.interval_default
                               : net::Duration(std::chrono::seconds(interval_seconds));
  if (min_interval_seconds)
    interval = std::max<net::Duration>(interval, std::chrono::seconds(*min_interval_seconds));
  return std::max(interval, options.interval_floor);
}

net::Duration retry_delay(std::int32_t failed_rounds, const TrackerClientOptions& options) {
  assert(failed_rounds >= 1);
  net::Duration delay = options.retry_delay_min;
  for (std::int32_t round = 1; round < failed_rounds && delay < options.retry_delay_max; ++round)
    delay *= 2;
  return std::min(delay, options.retry_delay_max);
}

}  // namespace swarmlab::peer
