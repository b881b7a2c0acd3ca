#include "actors/tracker/swarm_registry.hpp"

#include "actors/tracker/limits.hpp"

#include <cassert>

namespace swarmlab::tracker {

SwarmRegistry::SwarmRegistry(RegistryBounds bounds, std::uint64_t hash_seed)
    : bounds_(bounds), hash_seed_(hash_seed), swarms_(0, SeededHash{hash_seed}) {
  assert(bounds_.swarm_peer_count_max <= bounds_.peer_count_total_max);
  assert(bounds_.swarm_peer_count_max <= limits::swarm_peer_count_max_hard);
}

RegistryUpdate SwarmRegistry::announce(const InfoHash& info_hash, const PeerAnnounce& announce,
                                       net::TimePoint now) {
  auto found = swarms_.find(info_hash);
  if (found == swarms_.end()) {
    // A stopped peer of an unknown torrent leaves nothing to record.
    if (announce.event == AnnounceEvent::stopped) return {SwarmUpdate::absent, nullptr};
    if (swarms_.size() >= bounds_.swarm_count_max) return {SwarmUpdate::swarm_full, nullptr};
    // Each swarm's tables get their own seed, so that no two share a collision pattern.
    const std::uint64_t seed = net::mix64(hash_seed_ ^ SeededHash{hash_seed_}(info_hash));
    found = swarms_.emplace(info_hash, Swarm(seed, now)).first;
  }
  Swarm& swarm = found->second;
  const std::size_t before = swarm.peer_count();
  const bool may_add =
      before < bounds_.swarm_peer_count_max && peer_count_ < bounds_.peer_count_total_max;
  const SwarmUpdate update = swarm.update(announce, now, may_add);
  const std::size_t after = swarm.peer_count();
  peer_count_ = peer_count_ + after - before;
  assert(after <= bounds_.swarm_peer_count_max);
  assert(peer_count_ <= bounds_.peer_count_total_max);
  return {update, &swarm};
}

const Swarm* SwarmRegistry::find(const InfoHash& info_hash) const {
  const auto found = swarms_.find(info_hash);
  return found == swarms_.end() ? nullptr : &found->second;
}

void SwarmRegistry::sweep(net::TimePoint cutoff) {
  // Each swarm is swept on its own, so the order of visits (the table's) cannot change the result.
  std::size_t removed = 0;
  boost::unordered::erase_if(swarms_, [&](auto& entry) {
    Swarm& swarm = entry.second;
    removed += swarm.expire(cutoff);
    return swarm.empty() && swarm.last_activity() < cutoff;
  });
  assert(removed <= peer_count_);
  peer_count_ -= removed;
}

}  // namespace swarmlab::tracker
