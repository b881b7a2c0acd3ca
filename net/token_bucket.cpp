#include "net/token_bucket.hpp"

#include <algorithm>

namespace swarmlab::net {

TokenBucket::TokenBucket(std::uint64_t rate_bytes_per_second, std::uint64_t burst_bytes,
                         TimePoint now)
    : rate_(rate_bytes_per_second),
      burst_(burst_bytes),
      credit_(static_cast<Uint128>(burst_bytes) * scale),
      updated_(now) {
  assert(rate_ > 0);
  assert(rate_ <= rate_bytes_per_second_max);
  assert(burst_ > 0);
  assert(burst_ <= burst_bytes_max);
}

Uint128 TokenBucket::credit_at(TimePoint now) const {
  const Uint128 full = static_cast<Uint128>(burst_) * scale;
  if (now <= updated_) return credit_;
  const auto elapsed_ns = static_cast<std::uint64_t>((now - updated_).count());
  // elapsed_ns < 2^63 and rate_ <= 2^40: the product fits in 128 bits.
  const Uint128 refill = static_cast<Uint128>(elapsed_ns) * rate_;
  return std::min(full, credit_ + refill);
}

std::size_t TokenBucket::take(std::size_t wanted, TimePoint now) {
  credit_ = credit_at(now);
  updated_ = std::max(updated_, now);
  const auto available = static_cast<std::uint64_t>(credit_ / scale);
  const auto taken = static_cast<std::size_t>(std::min<std::uint64_t>(wanted, available));
  credit_ -= static_cast<Uint128>(taken) * scale;
  assert(credit_ <= static_cast<Uint128>(burst_) * scale);
  return taken;
}

void TokenBucket::give_back(std::size_t unused_bytes) {
  const Uint128 full = static_cast<Uint128>(burst_) * scale;
  credit_ = std::min(full, credit_ + static_cast<Uint128>(unused_bytes) * scale);
}

TimePoint TokenBucket::ready_at(std::size_t wanted, TimePoint now) const {
  const Uint128 needed = static_cast<Uint128>(std::min<std::uint64_t>(wanted, burst_)) * scale;
  const Uint128 credit = credit_at(now);
  if (credit >= needed) return std::max(now, updated_);
  // Round up, so that the credit is there when the caller wakes; no wait exceeds a day (only a
  // tiny rate with a huge burst could ask for more).
  constexpr Uint128 wait_ns_max = std::chrono::nanoseconds(std::chrono::hours(24)).count();
  const Uint128 missing = needed - credit;
  const Uint128 wait_ns = std::min(wait_ns_max, (missing + rate_ - 1) / rate_);
  return std::max(now, updated_) + Duration(static_cast<std::int64_t>(wait_ns));
}

}  // namespace swarmlab::net
