// The kinds of rows in the `events` table, their names as stored in its `kind` column, and the
// level of detail each belongs to. The recorder writes a kind only when the run's detail level
// includes it: per-block and per-HAVE rows multiply the size of a large swarm's file by tens, and
// most studies need only the lifecycle and piece levels.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace swarmlab::record {

// Ordered: each level includes the ones before it.
enum class EventDetail : std::uint8_t {
  // Hosts joining, leaving, completing; faults; connections; bans; hash failures; tracker traffic.
  lifecycle,
  // Plus every verified piece and every choke and interest change.
  pieces,
  // Plus every request, block and HAVE message.
  wire,
};

enum class EventKind : std::uint8_t {
  joined,
  left,
  completed,
  fault,
  connected,
  disconnected,
  banned,
  hash_failed,
  announce,
  announce_failed,
  tracker_announce,
  tracker_scrape,
  piece_verified,
  choke_sent,
  unchoke_sent,
  choke_received,
  unchoke_received,
  interested_sent,
  not_interested_sent,
  interested_received,
  not_interested_received,
  request_sent,
  request_received,
  block_sent,
  block_received,
  have_sent,
};

inline constexpr std::size_t event_kind_count = static_cast<std::size_t>(EventKind::have_sent) + 1;

// The name stored in `events.kind` (the enumerator's name).
std::string_view to_string(EventKind kind);
EventDetail detail_of(EventKind kind);
std::string_view to_string(EventDetail detail);

}  // namespace swarmlab::record
