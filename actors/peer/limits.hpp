// The named limits and defaults of the peer's decision logic (piece picking, request pipelining,
// choking), in one place so that their relations can be checked at compile time. Part of
// actors/peer; pure values, no I/O.
#pragma once

#include "net/time.hpp"

#include <chrono>
#include <cstdint>

namespace swarmlab::peer::limits {

using namespace std::chrono_literals;

// Blocks: the unit of a request on the wire. BEP 3 clients ask for 16 KiB; many close the
// connection on larger requests, so this is both what we ask for and what we accept to serve.
inline constexpr std::int64_t block_size_bytes = 16 * 1024;

// Pieces. A torrent with more pieces or larger pieces than this is refused when it is loaded.
inline constexpr std::int64_t piece_size_bytes_max = 64 * 1024 * 1024;
inline constexpr std::int32_t blocks_per_piece_max =
    static_cast<std::int32_t>(piece_size_bytes_max / block_size_bytes);
inline constexpr std::int32_t piece_count_max = 1 << 22;
static_assert(piece_size_bytes_max % block_size_bytes == 0);
static_assert(blocks_per_piece_max <= 0xffff, "block indices are stored in 16 bits");

// Peers counted in a piece's availability. The picker stores availability in 16 bits.
inline constexpr std::int32_t torrent_peers_max = 16'000;
static_assert(torrent_peers_max < 0xffff, "availability is stored in 16 bits");

// Endgame: how many peers may hold an outstanding request for the same block at once.
inline constexpr std::int32_t endgame_requesters_per_block_max = 8;
inline constexpr std::int32_t endgame_requesters_per_block_default = 3;
static_assert(endgame_requesters_per_block_default <= endgame_requesters_per_block_max);
static_assert(endgame_requesters_per_block_max <= 0xff, "requester counts are stored in 8 bits");

// Outstanding requests per peer (the adaptive pipeline depth is clamped to this range). The upper
// bound matches the reqq that common clients advertise in their extension handshake.
inline constexpr std::int32_t request_queue_depth_min = 2;
inline constexpr std::int32_t request_queue_depth_max = 500;
static_assert(request_queue_depth_min >= 1);
static_assert(request_queue_depth_min < request_queue_depth_max);
// The pipeline holds enough requests to keep the link busy for this long.
inline constexpr net::Duration request_queue_time_target = 3s;

// Request timeouts: never shorter than the minimum (a congested link must not cause a cascade of
// re-requests), never longer than the maximum (a silent peer must not hold blocks forever).
inline constexpr net::Duration request_timeout_min = 10s;
inline constexpr net::Duration request_timeout_max = 60s;
static_assert(request_timeout_min < request_timeout_max);
// How many times the expected transfer time a request may take before it times out.
inline constexpr std::int64_t request_timeout_slack_factor = 3;

// BEP 6 hints a peer may give us; longer lists are truncated by the connection.
inline constexpr std::int32_t allowed_fast_pieces_max = 32;
inline constexpr std::int32_t suggested_pieces_max = 32;

// Pieces picked at random, before rarest first starts, so that a new peer soon has something to
// trade.
inline constexpr std::int32_t initial_random_pieces_default = 4;

// Choking (BEP 3 tit-for-tat as in mainline BitTorrent).
inline constexpr net::Duration choke_interval = 10s;
inline constexpr net::Duration optimistic_rotation_period = 30s;
static_assert(optimistic_rotation_period >= choke_interval);
inline constexpr std::int32_t upload_slots_default = 4;
inline constexpr std::int32_t upload_slots_max = 256;
inline constexpr std::int32_t optimistic_slots_default = 1;
static_assert(upload_slots_default <= upload_slots_max);
static_assert(optimistic_slots_default <= upload_slots_max);
// A peer connected for less than this is "new" and three times as likely to get the optimistic
// slot.
inline constexpr net::Duration new_peer_age_max = 60s;
inline constexpr std::int32_t new_peer_optimistic_weight = 3;
// A peer that sent us no block for this long while we were interested in it snubs us.
inline constexpr net::Duration snub_duration = 60s;
static_assert(snub_duration >= choke_interval);

// Seeding round robin: a peer's turn ends after this long or after this many bytes.
inline constexpr net::Duration seed_turn_duration = 30s;
inline constexpr std::int64_t seed_turn_quota_bytes = 4 * 1024 * 1024;
static_assert(seed_turn_quota_bytes >= block_size_bytes);

}  // namespace swarmlab::peer::limits
