// TokenBucket: a byte rate with a burst allowance, in integer nanoseconds, for the per-host
// upload and download limits of real hosts. Credit accrues at `rate` bytes per second up to
// `burst` bytes; sending or receiving n bytes spends n. Pure: time comes in as an argument.
#pragma once

#include "net/rng.hpp"
#include "net/time.hpp"

#include <cassert>
#include <cstddef>
#include <cstdint>

namespace swarmlab::net {

class TokenBucket {
 public:
  static constexpr std::uint64_t rate_bytes_per_second_max = std::uint64_t{1} << 40;
  static constexpr std::uint64_t burst_bytes_max = std::uint64_t{1} << 40;

  // Starts full.
  TokenBucket(std::uint64_t rate_bytes_per_second, std::uint64_t burst_bytes, TimePoint now);

  std::uint64_t rate_bytes_per_second() const { return rate_; }
  std::uint64_t burst_bytes() const { return burst_; }

  // Takes up to `wanted` bytes of the credit available at `now`; returns how many it took.
  std::size_t take(std::size_t wanted, TimePoint now);
  // Returns bytes taken but not used (a read that brought less than it was granted).
  void give_back(std::size_t unused_bytes);
  // The earliest time at which min(wanted, burst) bytes are available; `now` if they already are.
  TimePoint ready_at(std::size_t wanted, TimePoint now) const;

 private:
  // Credit in byte-nanoseconds per second (bytes * 10^9), so that refilling never rounds.
  static constexpr std::uint64_t scale = 1'000'000'000;

  Uint128 credit_at(TimePoint now) const;

  std::uint64_t rate_;
  std::uint64_t burst_;
  Uint128 credit_;  // At updated_, at most burst_ * scale.
  TimePoint updated_;
};

}  // namespace swarmlab::net
