// The trace hash: a 64-bit digest folded, in order, over everything that happens in a world (each
// event's time, then what it was: its kind, the host, the byte count, the outcome). Two runs with
// the same seed and the same binary fold the same words in the same order and print the same hash;
// any divergence (a different seed, a changed model, a nondeterministic decision) changes it.
// Nothing folded may depend on addresses, unordered iteration or the wall clock.
#pragma once

#include "net/rng.hpp"

#include <cstdint>

namespace swarmlab::sim {

// What a folded record describes. The numeric values are part of the hash: append, never reorder.
enum class TraceKind : std::uint8_t {
  event_time = 1,
  timer_expiry,
  timer_cancel,
  scheduled_call,
  link_transmission,
  chunk_arrival,
  chunk_delivery,
  acknowledgement,
  stream_read,
  stream_write,
  stream_close,
  connect_request,
  connect_accepted,
  connect_refused,
  connect_timeout,
  connection_reset,
  stream_stall,
  stream_resume,
  datagram_send,
  datagram_arrival,
  datagram_delivery,
  datagram_drop,
  host_crash,
  host_restart,
  partition,
  heal,
  link_change,
};

class TraceHash {
 public:
  void fold(std::uint64_t word) {
    // Multiply-xorshift: cheap, and every input bit reaches every state bit within a few words.
    state_ = (state_ ^ word) * 0x9e3779b97f4a7c15ULL;
    state_ ^= state_ >> 29;
  }

  void record(TraceKind kind, std::uint64_t host, std::uint64_t value) {
    fold(static_cast<std::uint64_t>(kind) | (host << 8));
    fold(value);
  }

  std::uint64_t value() const { return net::mix64(state_); }

 private:
  std::uint64_t state_ = 0x243f6a8885a308d3ULL;
};

}  // namespace swarmlab::sim
