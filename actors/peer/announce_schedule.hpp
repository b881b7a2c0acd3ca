// When the tracker client announces next: the regular interval a tracker asks for (bounded below
// by its min interval and by a floor of ours) and the growing delay after failed rounds. Part of
// actors/peer; pure functions.
#pragma once

#include "actors/peer/tracker_client_options.hpp"

#include <cstdint>
#include <optional>

namespace swarmlab::peer {

// The wait before the next regular announce after a successful one.
net::Duration regular_interval(std::uint32_t interval_seconds,
                               std::optional<std::uint32_t> min_interval_seconds,
                               const TrackerClientOptions& options);

// The wait after `failed_rounds` (>= 1) consecutive rounds in which no tracker answered:
// retry_delay_min, doubling each time, never above retry_delay_max.
net::Duration retry_delay(std::int32_t failed_rounds, const TrackerClientOptions& options);

}  // namespace swarmlab::peer
