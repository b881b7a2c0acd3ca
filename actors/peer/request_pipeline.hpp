// How many requests to keep outstanding with one peer, and when an outstanding request has taken
// too long. Part of actors/peer; pure functions of measured values, no I/O, no clock.
//
// Pipeline depth: enough requests to keep the link from the peer busy for a target time, so that
// the peer never waits for our next request (one round trip per block would cap the rate at
// block size / round trip time):
//
//   depth = rate * queue_time_target / block_size, clamped to [request_queue_depth_min, _max]
//
// Timeout: the time the peer needs, at its measured rate, to send everything queued before and
// including the block, times a slack factor, plus one round trip; clamped to
// [request_timeout_min, request_timeout_max]. With no rate measured yet it is the maximum.
#pragma once

#include "actors/peer/limits.hpp"
#include "actors/peer/types.hpp"
#include "net/time.hpp"

#include <cstdint>

namespace swarmlab::peer {

struct QueueDepthInput {
  // Payload bytes per second measured from the peer; zero when unknown.
  std::int64_t download_rate_bytes_per_second = 0;
  net::Duration queue_time_target = limits::request_queue_time_target;
  SizeBytes block_size{limits::block_size_bytes};
};

// The number of requests to keep outstanding with the peer.
BlockCount request_queue_depth(const QueueDepthInput& input);

struct RequestTimeoutInput {
  // Payload bytes per second measured from the peer; zero when unknown.
  std::int64_t download_rate_bytes_per_second = 0;
  // Bytes of our requests queued at the peer before this block, plus the block itself.
  SizeBytes queued_bytes{0};
  // The measured round trip time to the peer (zero when unknown).
  net::Duration round_trip{0};
};

// How long after it was sent a request counts as lost.
net::Duration request_timeout(const RequestTimeoutInput& input);

}  // namespace swarmlab::peer
