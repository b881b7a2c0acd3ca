#include "actors/peer/request_pipeline.hpp"

#include <algorithm>
#include <cassert>

namespace swarmlab::peer {
namespace {

// a * b / c without overflow for the magnitudes here (rates below 2^40 B/s, times below 2^40 ns).
std::int64_t multiply_divide(std::int64_t a, std::int64_t b, std::int64_t c) {
  assert(a >= 0);
  assert(b >= 0);
  assert(c > 0);
  __extension__ using Int128 = __int128;
  return static_cast<std::int64_t>(static_cast<Int128>(a) * b / c);
}

constexpr std::int64_t nanoseconds_per_second = 1'000'000'000;

}  // namespace

BlockCount request_queue_depth(const QueueDepthInput& input) {
  assert(input.download_rate_bytes_per_second >= 0);
  assert(input.block_size.value() > 0);
  assert(input.queue_time_target.count() >= 0);
  const std::int64_t bytes_in_target =
      multiply_divide(input.download_rate_bytes_per_second, input.queue_time_target.count(),
                      nanoseconds_per_second);
  const std::int64_t depth =
      std::clamp<std::int64_t>(bytes_in_target / input.block_size.value(),
                               limits::request_queue_depth_min, limits::request_queue_depth_max);
  return BlockCount(static_cast<BlockCount::rep>(depth));
}

net::Duration request_timeout(const RequestTimeoutInput& input) {
  assert(input.download_rate_bytes_per_second >= 0);
  assert(input.queued_bytes.value() >= 0);
  assert(input.round_trip.count() >= 0);
  if (input.download_rate_bytes_per_second == 0) return limits::request_timeout_max;
  const std::int64_t transfer_ns = multiply_divide(
      input.queued_bytes.value(), nanoseconds_per_second, input.download_rate_bytes_per_second);
  // Saturate rather than overflow for absurd inputs: the clamp below caps the result anyway.
  const std::int64_t cap_ns = limits::request_timeout_max.count();
  const std::int64_t expected_ns =
      std::min(transfer_ns, cap_ns) * limits::request_timeout_slack_factor +
      std::min(input.round_trip.count(), cap_ns);
  return std::clamp(net::Duration(expected_ns), net::Duration(limits::request_timeout_min),
                    net::Duration(limits::request_timeout_max));
}

}  // namespace swarmlab::peer
