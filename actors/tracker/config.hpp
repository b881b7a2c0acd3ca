// TrackerConfig: everything a tracker actor is told when it starts (where it listens, announce
// timing, reply sizes, bounds on its state, private mode, rate limit). Plain values; the defaults
// come from limits.hpp. Part of actors/tracker.
#pragma once

#include "actors/tracker/limits.hpp"
#include "net/endpoint.hpp"
#include "net/time.hpp"
#include "protocol/sha1.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace swarmlab::tracker {

struct RateLimit {
  // Tokens added per second to each source address's bucket; 0 turns the limit off.
  std::uint32_t requests_per_second = limits::rate_requests_per_second_default;
  // Bucket size: how many requests an address may send at once after being quiet.
  std::uint32_t burst = limits::rate_burst_default;
};

struct TrackerConfig {
  // Where to listen. Unset: every address of the host, IPv4 and IPv6 (a family the host lacks is
  // skipped). Set: that one address.
  std::optional<net::Address> bind_address;
  // Port 0 picks a free port; unset turns that front end off.
  std::optional<std::uint16_t> http_port = 6969;
  std::optional<std::uint16_t> udp_port = 6969;

  net::Duration interval = limits::interval_default;
  net::Duration min_interval = limits::min_interval_default;
  net::Duration peer_timeout = limits::peer_timeout_default;
  net::Duration sweep_period = limits::sweep_period_default;

  std::uint32_t numwant_default = limits::numwant_default;
  std::uint32_t numwant_max = limits::numwant_max_default;

  std::size_t swarm_count_max = limits::swarm_count_max_default;
  std::size_t swarm_peer_count_max = limits::swarm_peer_count_max_default;
  std::size_t peer_count_total_max = limits::peer_count_total_max_default;
  std::size_t http_connection_count_max = limits::http_connection_count_max_default;

  // Private mode: when set, only these info-hashes are served; announces and scrapes of others
  // are refused.
  std::optional<std::vector<protocol::InfoHash>> whitelist;
  RateLimit rate_limit;

  // Sent as the HTTP `tracker id`; clients echo it back and it is accepted whatever it is.
  std::string tracker_id = "swarmlab";
  // The id this tracker reports to its observer as (the host id in a simulated world).
  std::uint32_t actor_id = 0;
};

// Asserts the relations a configuration must keep (a programming error otherwise; the command
// line validates user input before it builds a config).
void check_config(const TrackerConfig& config);

}  // namespace swarmlab::tracker
