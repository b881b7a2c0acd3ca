// What a world counts while it runs. Counters are reported, never used for decisions.
#pragma once

#include <cstdint>

namespace swarmlab::sim {

struct NetworkCounters {
  std::uint64_t timers_fired = 0;
  std::uint64_t scheduled_calls = 0;
  std::uint64_t connects_started = 0;
  std::uint64_t connects_established = 0;
  std::uint64_t connects_refused = 0;
  std::uint64_t connects_timed_out = 0;
  std::uint64_t connections_reset = 0;
  std::uint64_t stream_chunks = 0;
  std::uint64_t stream_bytes_written = 0;
  std::uint64_t stream_bytes_delivered = 0;
  std::uint64_t stream_bytes_read = 0;
  std::uint64_t acknowledgements = 0;
  std::uint64_t datagrams_sent = 0;
  std::uint64_t datagrams_delivered = 0;
  std::uint64_t datagrams_lost = 0;  // the configured loss
  std::uint64_t datagrams_duplicated = 0;
  std::uint64_t datagrams_reordered = 0;
  std::uint64_t datagrams_dropped_queue = 0;  // a link queue or a socket's receive queue was full
  std::uint64_t datagrams_dropped_unreachable = 0;  // partitioned, host down, or no socket
};

struct Counters {
  std::uint64_t events_fired = 0;
  std::uint64_t handlers_run = 0;
  NetworkCounters network;
};

}  // namespace swarmlab::sim
