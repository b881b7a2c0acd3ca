#include "actors/tracker/tracker_core.hpp"

#include <algorithm>
#include <cassert>
#include <span>

namespace swarmlab::tracker {

namespace {

std::uint64_t draw_seed(const TrackerConfig& config, net::Rng& rng) {
  check_config(config);
  return rng.next();
}

}  // namespace

TrackerCore::TrackerCore(const TrackerConfig& config, net::Rng& rng, record::Observer* observer)
    : config_(config),
      rng_(rng),
      observer_(observer),
      hash_seed_(draw_seed(config, rng)),
      registry_(RegistryBounds{.swarm_count_max = config.swarm_count_max,
                               .swarm_peer_count_max = config.swarm_peer_count_max,
                               .peer_count_total_max = config.peer_count_total_max},
                net::mix64(hash_seed_ + 1)),
      limiter_(config.rate_limit, net::mix64(hash_seed_ + 2)) {
  if (config.whitelist) {
    whitelist_.emplace(config.whitelist->begin(), config.whitelist->end(), 0,
                       SeededHash{net::mix64(hash_seed_ + 3)});
  }
}

bool TrackerCore::serves(const InfoHash& info_hash) const {
  return !whitelist_ || whitelist_->contains(info_hash);
}

std::uint32_t TrackerCore::reply_peer_count(std::optional<std::uint32_t> numwant) const {
  const std::uint32_t count =
      std::min(numwant.value_or(config_.numwant_default), config_.numwant_max);
  assert(count <= limits::reply_peer_count_max);
  return count;
}

void TrackerCore::announce(const Announce& announce, std::size_t reply_peer_count_max,
                           net::TimePoint now, AnnounceResult& result) {
  result.failure = {};
  result.counts = {};
  result.peers.clear();
  const PeerAnnounce& peer = announce.peer;
  if (!serves(announce.info_hash)) {
    result.failure = failure::not_registered;
    return;
  }
  if (peer.address.port == 0 && peer.event != AnnounceEvent::stopped) {
    result.failure = failure::invalid_port;
    return;
  }
  const RegistryUpdate update = registry_.announce(announce.info_hash, peer, now);
  if (update.update == SwarmUpdate::peer_id_taken) {
    result.failure = failure::peer_id_taken;
    return;
  }
  if (update.swarm == nullptr && update.update == SwarmUpdate::swarm_full) {
    result.failure = failure::too_many_torrents;
    return;
  }
  // Without a swarm, the stopped peer of a torrent nobody announced: nothing to list or count.
  if (update.swarm != nullptr) {
    result.counts = update.swarm->counts();
    if (peer.event != AnnounceEvent::stopped) {
      const std::size_t count =
          std::min<std::size_t>(reply_peer_count(announce.numwant), reply_peer_count_max);
      update.swarm->sample(count, Requester{peer.address, peer.peer_id}, announce.policy,
                           now - config_.peer_timeout, rng_, result.peers);
      assert(result.peers.size() <= count);
    }
  }
  report(record::TrackerRequest::announce, peer.address, announce.info_hash, peer.event, now);
}

std::optional<SwarmCounts> TrackerCore::scrape(const InfoHash& info_hash, const PeerAddress& source,
                                               net::TimePoint now) {
  if (!serves(info_hash)) return std::nullopt;
  report(record::TrackerRequest::scrape, source, info_hash, AnnounceEvent::none, now);
  const Swarm* swarm = registry_.find(info_hash);
  return swarm == nullptr ? SwarmCounts{} : swarm->counts();
}

void TrackerCore::sweep(net::TimePoint now) {
  registry_.sweep(now - config_.peer_timeout);
  limiter_.sweep(now);
  assert(registry_.swarm_count() <= config_.swarm_count_max);
  assert(registry_.peer_count() <= config_.peer_count_total_max);
}

std::uint64_t TrackerCore::key_digest(std::string_view key) const {
  const std::span bytes(reinterpret_cast<const std::uint8_t*>(key.data()), key.size());
  return SeededHash{hash_seed_}.hash_bytes(bytes);
}

void TrackerCore::report(record::TrackerRequest kind, const PeerAddress& from,
                         const InfoHash& info_hash, AnnounceEvent event, net::TimePoint now) const {
  if (observer_ != nullptr) {
    observer_->on_tracker_request(now, config_.actor_id, kind, from, info_hash, event);
  }
}

}  // namespace swarmlab::tracker
