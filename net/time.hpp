// Time as actors see it: integer nanoseconds on a monotonic clock. In the simulator the clock is
// virtual and starts at zero; on real sockets it is the steady clock. Nothing outside net/ reads a
// system clock.
#pragma once

#include <chrono>
#include <cstdint>

namespace swarmlab::net {

using Duration = std::chrono::nanoseconds;

// A clock type for std::chrono::time_point only: there is no static now(). The time comes from
// Host::now(), so that simulated and real hosts are interchangeable.
struct Clock {
  using rep = std::int64_t;
  using period = std::nano;
  using duration = Duration;
  using time_point = std::chrono::time_point<Clock, Duration>;
  static constexpr bool is_steady = true;
};

using TimePoint = Clock::time_point;

inline constexpr TimePoint time_zero{};
inline constexpr TimePoint time_max = TimePoint::max();

// Seconds as a double, for reports and rates only, never for decisions that must be deterministic.
inline double to_seconds(Duration duration) {
  return std::chrono::duration<double>(duration).count();
}

}  // namespace swarmlab::net
