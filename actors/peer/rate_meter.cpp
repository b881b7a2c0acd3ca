#include "actors/peer/rate_meter.hpp"

#include <algorithm>
#include <cassert>

namespace swarmlab::peer {
namespace {

constexpr std::int64_t nanoseconds_per_second = 1'000'000'000;

}  // namespace

RateMeter::RateMeter(net::TimePoint started_at)
    : current_second_(second_of(started_at)), started_at_(started_at) {
  static_assert(window >= 2);
}

std::int64_t RateMeter::second_of(net::TimePoint time) {
  assert(time.time_since_epoch().count() >= 0);
  return time.time_since_epoch().count() / nanoseconds_per_second;
}

void RateMeter::add(net::TimePoint now, std::int64_t bytes) {
  assert(bytes >= 0);
  const std::int64_t second = second_of(now);
  assert(second >= current_second_);
  // Clear the buckets of the seconds skipped since the last write (at most the whole window).
  const std::int64_t skipped = std::min(second - current_second_, window);
  for (std::int64_t step = 1; step <= skipped; ++step) {
    buckets_[static_cast<std::size_t>((current_second_ + step) % window)] = 0;
  }
  current_second_ = second;
  buckets_[static_cast<std::size_t>(second % window)] += bytes;
  total_bytes_ += bytes;
}

std::int64_t RateMeter::rate_bytes_per_second(net::TimePoint now) const {
  const std::int64_t second = second_of(now);
  assert(second >= current_second_);
  std::int64_t sum = 0;
  // Seconds before the clock's zero (a simulation starts there) hold nothing.
  const std::int64_t first =
      std::max({second - window + 1, current_second_ - window + 1, std::int64_t{0}});
  for (std::int64_t s = first; s <= current_second_; ++s) {
    sum += buckets_[static_cast<std::size_t>(s % window)];
  }
  const std::int64_t into_second_ns = now.time_since_epoch().count() % nanoseconds_per_second;
  const std::int64_t window_ns = (window - 1) * nanoseconds_per_second + into_second_ns;
  const std::int64_t age_ns = (now - started_at_).count();
  const std::int64_t covered_ns =
      std::max<std::int64_t>(std::min(window_ns, age_ns), nanoseconds_per_second);
  assert(covered_ns > 0);
  __extension__ using Int128 = __int128;
  return static_cast<std::int64_t>(static_cast<Int128>(sum) * nanoseconds_per_second / covered_ns);
}

}  // namespace swarmlab::peer
