#include "actors/tracker/rate_limiter.hpp"

#include <algorithm>
#include <cassert>
#include <chrono>

namespace swarmlab::tracker {

RateLimiter::RateLimiter(RateLimit limit, std::uint64_t hash_seed)
    : limit_(limit), arrivals_(0, SeededHash{hash_seed}) {
  if (!enabled()) return;
  assert(limit_.burst >= 1);
  emission_interval_ = net::Duration(std::chrono::seconds(1)) / limit_.requests_per_second;
  burst_tolerance_ = emission_interval_ * (limit_.burst - 1);
  assert(emission_interval_.count() > 0);
}

bool RateLimiter::admit_cell(net::TimePoint& arrival, net::TimePoint now) const {
  const net::TimePoint start = std::max(arrival, now);
  if (start - now > burst_tolerance_) return false;
  arrival = start + emission_interval_;
  assert(arrival > now);
  return true;
}

bool RateLimiter::admit(const protocol::PeerAddress& source, net::TimePoint now) {
  if (!enabled()) return true;
  protocol::PeerAddress key = source;
  key.port = 0;
  const auto found = arrivals_.find(key);
  if (found != arrivals_.end()) return admit_cell(found->second, now);
  if (arrivals_.size() >= limits::rate_address_count_max) {
    return admit_cell(overflow_arrival_, now);
  }
  net::TimePoint arrival = now;
  const bool admitted = admit_cell(arrival, now);
  assert(admitted);
  arrivals_.emplace(key, arrival);
  assert(arrivals_.size() <= limits::rate_address_count_max);
  return admitted;
}

void RateLimiter::sweep(net::TimePoint now) {
  // An address whose arrival time has passed has a full bucket: forgetting it changes nothing.
  boost::unordered::erase_if(arrivals_, [now](const auto& entry) { return entry.second <= now; });
  assert(arrivals_.size() <= limits::rate_address_count_max);
}

}  // namespace swarmlab::tracker
