#include "actors/tracker/config.hpp"

#include <cassert>

namespace swarmlab::tracker {

void check_config(const TrackerConfig& config) {
  assert(config.interval > net::Duration::zero());
  assert(config.interval <= limits::interval_max);
  assert(config.min_interval <= config.interval);
  assert(config.peer_timeout >= config.interval);
  assert(config.sweep_period > net::Duration::zero());
  assert(config.numwant_default <= config.numwant_max);
  assert(config.numwant_max <= limits::reply_peer_count_max);
  assert(config.swarm_count_max >= 1);
  assert(config.swarm_peer_count_max <= config.peer_count_total_max);
  assert(config.swarm_peer_count_max <= limits::swarm_peer_count_max_hard);
  assert(config.http_connection_count_max >= 1);
  if (config.rate_limit.requests_per_second != 0) assert(config.rate_limit.burst >= 1);
  if (config.whitelist) assert(config.whitelist->size() <= limits::whitelist_count_max);
  (void)config;
}

}  // namespace swarmlab::tracker
