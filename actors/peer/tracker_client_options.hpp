// What a TrackerClient is told: how many peers to ask for, its timeouts and retry schedule, and
// how host names in announce URLs are resolved. Plain values. Part of actors/peer.
#pragma once

#include "net/endpoint.hpp"
#include "net/host.hpp"
#include "net/time.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace swarmlab::peer {

namespace tracker_client_limits {
using namespace std::chrono_literals;
// Peers asked for per announce (the common client default).
inline constexpr std::uint32_t numwant_default = 50;
// Used when a tracker gives no usable interval, and the floor below which an interval is raised,
// so that a misconfigured tracker cannot make us announce in a tight loop.
inline constexpr net::Duration interval_default = 30min;
inline constexpr net::Duration interval_floor_default = 10s;
// Failed rounds are retried after retry_delay_min, doubling up to retry_delay_max.
inline constexpr net::Duration retry_delay_min_default = 15s;
inline constexpr net::Duration retry_delay_max_default = 30min;
// One HTTP announce: connect, send, and read the whole response.
inline constexpr net::Duration http_timeout_default = 30s;
inline constexpr std::size_t http_response_size_max = 1024 * 1024;
// BEP 15: wait 15 * 2^n seconds for a reply to try n (n = 0..8), then give up on that tracker;
// a connection id stays valid for 60 s.
inline constexpr net::Duration udp_timeout_base_default = 15s;
inline constexpr std::int32_t udp_retransmissions_max = 8;
// With other trackers to try, a silent UDP tracker gets two tries (15 + 30 s) before the next
// is asked: a dead udp:// tracker first in the list (common in real torrents) would otherwise
// hold the others back for over two hours.
inline constexpr std::int32_t udp_retransmissions_with_alternatives = 1;
inline constexpr net::Duration udp_connection_id_lifetime = 60s;
// The `stopped` announce at shutdown, over every tier.
inline constexpr net::Duration stopped_timeout_default = 5s;
}  // namespace tracker_client_limits

// Resolves a host name to addresses. On real sockets the command line gives one backed by Asio's
// resolver; in the simulator URLs carry IP literals and none is needed. An empty result or an
// error fails that URL.
using HostResolver =
    std::function<boost::asio::awaitable<net::Result<std::vector<net::Address>>>(std::string)>;

struct TrackerClientOptions {
  std::uint32_t numwant = tracker_client_limits::numwant_default;
  net::Duration interval_default = tracker_client_limits::interval_default;
  net::Duration interval_floor = tracker_client_limits::interval_floor_default;
  net::Duration retry_delay_min = tracker_client_limits::retry_delay_min_default;
  net::Duration retry_delay_max = tracker_client_limits::retry_delay_max_default;
  net::Duration http_timeout = tracker_client_limits::http_timeout_default;
  net::Duration udp_timeout_base = tracker_client_limits::udp_timeout_base_default;
  std::int32_t udp_retransmissions_max = tracker_client_limits::udp_retransmissions_max;
  std::int32_t udp_retransmissions_with_alternatives =
      tracker_client_limits::udp_retransmissions_with_alternatives;
  net::Duration stopped_timeout = tracker_client_limits::stopped_timeout_default;
  // Empty: URLs with host names fail ("no resolver").
  HostResolver resolver{};
};

}  // namespace swarmlab::peer
