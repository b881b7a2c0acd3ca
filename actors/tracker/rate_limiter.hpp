// RateLimiter: a token bucket per source address (port ignored), kept as a generic cell rate
// algorithm: each address has a "theoretical arrival time" that every admitted request pushes one
// emission interval (1 s / rate) into the future; a request is refused while that time is more
// than the burst tolerance ahead of now. One integer per address, no timers. Part of
// actors/tracker; pure logic, no I/O.
//
// Bounded: at most limits::rate_address_count_max addresses are tracked; while the table is full,
// unknown addresses share one overflow bucket. sweep() forgets addresses whose bucket is full
// again.
#pragma once

#include "actors/tracker/config.hpp"
#include "actors/tracker/seeded_hash.hpp"
#include "protocol/peer_address.hpp"

#include <boost/unordered/unordered_flat_map.hpp>

#include <cstddef>
#include <cstdint>

namespace swarmlab::tracker {

class RateLimiter {
 public:
  RateLimiter(RateLimit limit, std::uint64_t hash_seed);

  bool enabled() const { return limit_.requests_per_second != 0; }
  // Whether a request from `source` may go ahead now; counts it if so.
  bool admit(const protocol::PeerAddress& source, net::TimePoint now);
  void sweep(net::TimePoint now);
  std::size_t tracked_count() const { return arrivals_.size(); }

 private:
  bool admit_cell(net::TimePoint& arrival, net::TimePoint now) const;

  RateLimit limit_;
  net::Duration emission_interval_{};
  net::Duration burst_tolerance_{};
  boost::unordered_flat_map<protocol::PeerAddress, net::TimePoint, SeededHash, SameKey> arrivals_;
  net::TimePoint overflow_arrival_{};
};

}  // namespace swarmlab::tracker
