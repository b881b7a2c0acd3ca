#include "actors/peer/token_bucket.hpp"

#include <algorithm>
#include <cassert>

namespace swarmlab::peer {
namespace {

constexpr std::int64_t nanoseconds_per_second = 1'000'000'000;
__extension__ using Int128 = __int128;

}  // namespace

TokenBucket::TokenBucket(std::int64_t rate_bytes_per_second, std::int64_t burst_bytes,
                         net::TimePoint now)
    : rate_(rate_bytes_per_second), burst_(burst_bytes), tokens_(burst_bytes), updated_at_(now) {
  assert(rate_bytes_per_second >= 0);
  assert(burst_bytes > 0);
}

TokenBucket::Refilled TokenBucket::refilled(net::TimePoint now) const {
  assert(now >= updated_at_);
  if (rate_ == 0) return {tokens_, carry_};
  const Int128 accrued = static_cast<Int128>((now - updated_at_).count()) * rate_ + carry_;
  const Int128 whole = accrued / nanoseconds_per_second;
  const auto tokens =
      static_cast<std::int64_t>(std::min<Int128>(Int128{tokens_} + whole, Int128{burst_}));
  const auto carry = tokens == burst_ ? std::int64_t{0}
                                      : static_cast<std::int64_t>(accrued % nanoseconds_per_second);
  assert(carry >= 0 && carry < nanoseconds_per_second);
  return {tokens, carry};
}

void TokenBucket::refill(net::TimePoint now) {
  const Refilled next = refilled(now);
  tokens_ = next.tokens;
  carry_ = next.carry;
  updated_at_ = now;
}

net::Duration TokenBucket::take(net::TimePoint now, std::int64_t bytes) {
  assert(bytes >= 0);
  refill(now);
  if (rate_ == 0) return net::Duration{0};
  tokens_ -= bytes;
  if (tokens_ >= 0) return net::Duration{0};
  // The debt is paid back at `rate`; round up so the caller never starts early.
  const Int128 debt_ns = static_cast<Int128>(-tokens_) * nanoseconds_per_second - carry_;
  const Int128 wait_ns = (debt_ns + rate_ - 1) / rate_;
  assert(wait_ns >= 0);
  return net::Duration(static_cast<std::int64_t>(wait_ns));
}

std::int64_t TokenBucket::available(net::TimePoint now) const {
  return refilled(now).tokens;
}

void TokenBucket::set_rate(std::int64_t rate_bytes_per_second, net::TimePoint now) {
  assert(rate_bytes_per_second >= 0);
  refill(now);
  rate_ = rate_bytes_per_second;
  carry_ = 0;
  if (rate_ == 0) tokens_ = burst_;
}

}  // namespace swarmlab::peer
