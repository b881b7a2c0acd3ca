// A transfer rate measured over a sliding window of one-second buckets
// (limits::rate_window_seconds), for the choker, the request pipeline and the status line. Part of
// actors/peer; pure integer logic, time is passed in.
//
//   buckets (W = 8):  [s-7][s-6][s-5][s-4][s-3][s-2][s-1][ s ]   s = the current second
//   rate = bytes in the buckets / time they cover (W - 1 whole seconds plus the current one's
//          elapsed part, or less while the meter is younger than the window)
#pragma once

#include "actors/peer/session_limits.hpp"
#include "net/time.hpp"

#include <array>
#include <cstdint>

namespace swarmlab::peer {

class RateMeter {
 public:
  explicit RateMeter(net::TimePoint started_at = net::time_zero);

  // `now` never goes back between calls.
  void add(net::TimePoint now, std::int64_t bytes);
  std::int64_t rate_bytes_per_second(net::TimePoint now) const;
  std::int64_t total_bytes() const { return total_bytes_; }

 private:
  static constexpr std::int64_t window = limits::rate_window_seconds;
  static std::int64_t second_of(net::TimePoint time);

  std::array<std::int64_t, window> buckets_{};
  // The second of the newest bucket written.
  std::int64_t current_second_;
  net::TimePoint started_at_;
  std::int64_t total_bytes_ = 0;
};

}  // namespace swarmlab::peer
