// The named limits and defaults of the tracker actor, in one place so that their relations can be
// checked at compile time. Limits marked "hard" bound what a configuration may ask for; the
// `*_default` values are what TrackerConfig starts from. Part of actors/tracker; pure values.
#pragma once

#include "net/time.hpp"
#include "protocol/tracker_http.hpp"
#include "protocol/tracker_udp.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace swarmlab::tracker::limits {

using namespace std::chrono_literals;

// ---- Announce timing (BEP 3 `interval`, `min interval`; peers expire when they stop announcing).
inline constexpr net::Duration interval_default = 1800s;
inline constexpr net::Duration min_interval_default = 900s;
// A peer that has not announced for this long is dropped: one and a half intervals, as most
// trackers do, so one lost announce does not remove a live peer.
inline constexpr net::Duration peer_timeout_default = 2700s;
inline constexpr net::Duration interval_max = 24h;  // hard
static_assert(min_interval_default <= interval_default);
static_assert(interval_default < peer_timeout_default);
static_assert(peer_timeout_default <= interval_max * 2);
// How often expired peers and empty swarms are swept away (replies skip expired peers anyway).
inline constexpr net::Duration sweep_period_default = 30s;

// ---- Replies.
inline constexpr std::uint32_t numwant_default = 50;
inline constexpr std::uint32_t numwant_max_default = 200;
// No configuration can make a reply carry more peers than this (hard).
inline constexpr std::uint32_t reply_peer_count_max = 1000;
static_assert(numwant_default <= numwant_max_default);
static_assert(numwant_max_default <= reply_peer_count_max);
static_assert(reply_peer_count_max <= protocol::tracker_http::peer_count_max);

// ---- Swarm state.
inline constexpr std::size_t swarm_count_max_default = 100'000;
inline constexpr std::size_t swarm_peer_count_max_default = 100'000;
inline constexpr std::size_t peer_count_total_max_default = 1'000'000;
// Per-swarm peer indices are 32-bit.
inline constexpr std::size_t swarm_peer_count_max_hard = 1u << 24;
static_assert(swarm_peer_count_max_default <= swarm_peer_count_max_hard);
static_assert(swarm_peer_count_max_default <= peer_count_total_max_default);

// ---- Private mode.
inline constexpr std::size_t whitelist_count_max = 1'000'000;
inline constexpr std::size_t whitelist_file_size_bytes_max = 64 * 1024 * 1024;
static_assert(whitelist_count_max * 41 <= whitelist_file_size_bytes_max);

// ---- Rate limit: a token bucket per source address. A request costs one token.
inline constexpr std::uint32_t rate_requests_per_second_default = 20;
inline constexpr std::uint32_t rate_burst_default = 200;
// Addresses tracked at once; beyond this, new addresses share one overflow bucket.
inline constexpr std::size_t rate_address_count_max = 65'536;
static_assert(rate_burst_default >= rate_requests_per_second_default);

// ---- HTTP front end.
// The request line and headers together: a scrape of the most torrents the query parser takes,
// plus ordinary headers.
inline constexpr std::size_t http_header_size_max = protocol::tracker_http::query_size_max + 8192;
inline constexpr std::size_t http_connection_count_max_default = 1024;
inline constexpr std::uint32_t http_requests_per_connection_max = 100'000;
// A request must arrive whole within this long of the previous reply (keep-alive idle time) or of
// the connection's opening.
inline constexpr net::Duration http_idle_timeout = 30s;
// A reply the client does not read within this long ends the connection.
inline constexpr net::Duration http_write_timeout = 30s;
// After a reply that closes the connection early (a bad or oversized request), the tracker reads
// and discards what the client still sends, up to this much and this long, before closing: closing
// with unread input makes the kernel reset the connection, and the client would lose the reply.
inline constexpr std::size_t http_linger_size_bytes_max = 1024 * 1024;
inline constexpr net::Duration http_linger_timeout = 2s;
// How long a stopping tracker waits for its connections to unwind.
inline constexpr net::Duration shutdown_duration_max = 5s;

// ---- UDP front end (BEP 15).
// Connection ids are accepted for two minutes after they are issued.
inline constexpr net::Duration connection_id_lifetime = 120s;
// The largest request read: an announce with BEP 41 options or a scrape of 74 torrents fits.
inline constexpr std::size_t udp_request_size_max = 2048;
static_assert(protocol::tracker_udp::scrape_request_header_size_bytes +
                  20 * protocol::tracker_udp::scrape_info_hash_count_max <=
              udp_request_size_max);
// Replies stay within one Ethernet frame (IPv6 header 40 bytes, UDP header 8 bytes), so an
// announce reply carries at most this many peers of each family.
inline constexpr std::size_t udp_reply_size_max = 1452;
inline constexpr std::size_t udp_reply_ipv4_peer_count_max =
    (udp_reply_size_max - protocol::tracker_udp::announce_response_header_size_bytes) /
    protocol::compact_ipv4_size_bytes;
inline constexpr std::size_t udp_reply_ipv6_peer_count_max =
    (udp_reply_size_max - protocol::tracker_udp::announce_response_header_size_bytes) /
    protocol::compact_ipv6_size_bytes;
static_assert(udp_reply_ipv4_peer_count_max >= numwant_max_default);
static_assert(udp_reply_ipv6_peer_count_max >= numwant_default);
// Error replies are cut to this length, so that a reply to a bad or forged announce or scrape is
// never larger than the request (no amplification towards a spoofed source).
inline constexpr std::size_t udp_error_message_size_max = 28;
static_assert(protocol::tracker_udp::error_header_size_bytes + udp_error_message_size_max <=
              protocol::tracker_udp::scrape_request_header_size_bytes + 20);
// After each wait, a socket's loop serves at most this many datagrams that have already arrived
// before it waits again, so that a flooded socket still lets the tracker's other tasks run.
inline constexpr std::size_t udp_burst_datagram_count_max = 64;

}  // namespace swarmlab::tracker::limits
