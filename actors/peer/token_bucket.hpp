// A token bucket for rate limits (a torrent's upload or download limit), driven by host time. Part
// of actors/peer; pure integer logic, no clock of its own.
//
// Tokens are bytes. They accrue at `rate` per second up to `burst`; taking bytes never blocks but
// may leave the bucket in debt, and the caller then waits for the debt to be paid back before it
// moves the bytes. Several connections sharing one bucket queue up behind each other's debt, so the
// total stays at the rate whatever their number.
#pragma once

#include "net/time.hpp"

#include <cstdint>

namespace swarmlab::peer {

class TokenBucket {
 public:
  // A rate of 0 means unlimited: take() never asks to wait.
  TokenBucket(std::int64_t rate_bytes_per_second, std::int64_t burst_bytes, net::TimePoint now);

  std::int64_t rate_bytes_per_second() const { return rate_; }
  bool is_unlimited() const { return rate_ == 0; }
  // Takes `bytes` at `now` (not earlier than the previous call) and returns how long to wait before
  // using them: zero when the bucket held them.
  net::Duration take(net::TimePoint now, std::int64_t bytes);
  void set_rate(std::int64_t rate_bytes_per_second, net::TimePoint now);
  // Tokens available at the last call (negative: debt).
  std::int64_t tokens() const { return tokens_; }
  // Tokens that would be available at `now` (not earlier than the last call), without taking any.
  std::int64_t available(net::TimePoint now) const;

 private:
  // Tokens and leftover byte-nanoseconds at `now`, as refill() leaves them.
  struct Refilled {
    std::int64_t tokens;
    std::int64_t carry;
  };
  Refilled refilled(net::TimePoint now) const;
  void refill(net::TimePoint now);

  std::int64_t rate_;
  std::int64_t burst_;
  std::int64_t tokens_;
  // Byte-nanoseconds accrued but not yet a whole token, so that small steps add up exactly.
  std::int64_t carry_ = 0;
  net::TimePoint updated_at_;
};

}  // namespace swarmlab::peer
