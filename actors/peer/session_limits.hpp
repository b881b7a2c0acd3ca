// The named limits and defaults of the running peer: connections, handshakes, timeouts, queues,
// rate measurement and banning. The decision logic's own limits (picker, pipeline, choker) live in
// limits.hpp; these bound what the connections and the torrent hold and accept. Part of
// actors/peer; pure values, no I/O.
#pragma once

#include "actors/peer/limits.hpp"
#include "net/time.hpp"
#include "protocol/wire_decoder.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace swarmlab::peer::limits {

using namespace std::chrono_literals;

// Connections per torrent (established ones) and outgoing connects in progress (half-open).
inline constexpr std::int32_t connections_per_torrent_default = 50;
inline constexpr std::int32_t connections_per_torrent_max = 2000;
inline constexpr std::int32_t half_open_default = 8;
inline constexpr std::int32_t half_open_max = 64;
static_assert(connections_per_torrent_max < torrent_peers_max);
static_assert(half_open_default <= half_open_max);
// Incoming streams whose handshake has not arrived yet, per peer (all torrents).
inline constexpr std::int32_t incoming_handshakes_max = 128;

// Timeouts of a connection's set-up.
inline constexpr net::Duration connect_timeout = 15s;
inline constexpr net::Duration handshake_timeout = 20s;
// A keep-alive goes out after this long without sending anything; a peer that sends nothing for
// inactivity_timeout is gone (BEP 3 suggests keep-alives every two minutes).
inline constexpr net::Duration keep_alive_interval = 60s;
inline constexpr net::Duration inactivity_timeout = 180s;
static_assert(keep_alive_interval * 2 < inactivity_timeout, "a keep-alive may be late once");

// Requests a peer may have outstanding with us: the reqq we advertise (BEP 10), and the hard limit
// beyond which the connection is closed as a flood. Between the two, requests are rejected (BEP 6)
// or dropped.
inline constexpr std::int32_t peer_requests_advertised = 500;
inline constexpr std::int32_t peer_requests_max = 2000;
static_assert(peer_requests_advertised <= peer_requests_max);
static_assert(request_queue_depth_max <= peer_requests_advertised,
              "two swarmlab peers never flood each other");
// A peer that advertises no reqq is assumed to take this many (a common client default).
inline constexpr std::int32_t peer_reqq_assumed = 250;
static_assert(peer_reqq_assumed >= request_queue_depth_min);

// Small messages (everything but piece data) queued for sending, beyond the bitfield: a peer that
// does not read them is closed rather than buffered without limit.
inline constexpr std::size_t control_queue_bytes_max = 256 * 1024;
static_assert(control_queue_bytes_max >= std::size_t{request_queue_depth_max} * 17 * 2);

// The wire decoder's buffer per connection. Large for fast real transfers (fewer reads); small for
// simulated swarms of thousands of connections. A message that does not fit (a block, in a small
// buffer) goes in a larger buffer from a pool the peer's connections share, given back once the
// connection has nothing buffered; the pool keeps one spare, the last given back, so that the
// next block lands in memory that is likely still cached.
inline constexpr std::size_t receive_buffer_bytes_default = 256 * 1024;
inline constexpr std::size_t receive_buffer_bytes_small = 2 * 1024;
inline constexpr std::size_t receive_buffer_pool_bytes =
    block_size_bytes + protocol::wire::frame_header_size_max + protocol::wire::read_size_min;
inline constexpr std::size_t receive_buffer_pool_spare_max = 1;
static_assert(receive_buffer_bytes_default >= 2 * block_size_bytes);
static_assert(receive_buffer_bytes_small >= protocol::wire::buffer_size_min);

// A connection reads what has already arrived without suspending at most this many times in a row.
inline constexpr std::int32_t reads_without_wait_max = 16;

// Write-behind of received blocks (real transfers, block_write_queue.hpp): a run of consecutive
// blocks is stored by one disk job of at most write_run_bytes_max; while the queued runs of a
// torrent hold more than write_queue_bytes_max, its connections stop reading, checking again every
// write_queue_poll_interval.
inline constexpr std::size_t write_run_bytes_max = 256 * 1024;
inline constexpr std::size_t write_queue_bytes_max = 16 * 1024 * 1024;
inline constexpr net::Duration write_queue_poll_interval = 1ms;
static_assert(write_run_bytes_max >= block_size_bytes);
static_assert(write_queue_bytes_max >= 4 * write_run_bytes_max);

// BEP 6 allowed fast pieces we offer each peer that has few pieces.
inline constexpr std::int32_t allowed_fast_offered = 4;
static_assert(allowed_fast_offered <= allowed_fast_pieces_max);

// Rate meters average over this window, in one-second buckets.
inline constexpr std::int32_t rate_window_seconds = 8;

// Banning bad data, by trust points per address (as libtorrent does). A piece that passes its hash
// check earns each of its senders one point, up to trust_points_max; one that fails costs each of
// its senders trust_points_per_failure; at trust_points_ban_level the address is banned. A peer
// that alone sent a failed piece, or is the only suspect once the piece passes, is banned at once,
// and a failure is not held against anyone when a banned peer also contributed to it (it
// explains the failure). An honest peer that shares pieces with a liar thus stays above the level
// while the liar, who never earns points, goes below it after a few failures.
inline constexpr std::int32_t trust_points_max = 8;
inline constexpr std::int32_t trust_points_per_failure = 2;
inline constexpr std::int32_t trust_points_ban_level = -7;
static_assert(trust_points_ban_level < -trust_points_per_failure, "one failure never bans");
static_assert(trust_points_max > 0);

// Peer addresses to try, per torrent (from trackers, PEX, the command line).
inline constexpr std::size_t candidates_max = 4000;
// Consecutive failed connects to an address before it is forgotten.
inline constexpr std::int32_t connect_attempts_max = 3;
// First retry delay after a failed connect or a closed connection; it doubles per failure.
inline constexpr net::Duration reconnect_delay_base = 20s;
inline constexpr net::Duration reconnect_delay_max = 10min;

// Choking: a round is run early (an interested peer while slots are free) at most this often.
inline constexpr net::Duration choke_early_round_gap = 1s;

// The largest extension handshake or extended message we accept (BEP 10).
inline constexpr std::uint32_t extended_payload_size_max = 64 * 1024;

// How long stopping a torrent waits for its connections to end.
inline constexpr net::Duration shutdown_timeout = 5s;

}  // namespace swarmlab::peer::limits
