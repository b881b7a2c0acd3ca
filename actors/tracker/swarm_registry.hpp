// SwarmRegistry: every swarm the tracker knows, by info-hash, within the configured bounds (swarms,
// peers per swarm, peers overall). It creates a swarm on its first announce and forgets it once it
// has been empty for a peer timeout (its completed count goes with it). Part of actors/tracker;
// pure logic, no I/O.
#pragma once

#include "actors/tracker/seeded_hash.hpp"
#include "actors/tracker/swarm.hpp"

#include <boost/unordered/unordered_flat_map.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>

namespace swarmlab::tracker {

using protocol::InfoHash;

struct RegistryBounds {
  std::size_t swarm_count_max = 0;
  std::size_t swarm_peer_count_max = 0;
  std::size_t peer_count_total_max = 0;
};

struct RegistryUpdate {
  SwarmUpdate update = SwarmUpdate::absent;
  // Null when the announce named an unknown torrent and there was no room for another swarm.
  const Swarm* swarm = nullptr;
};

class SwarmRegistry {
 public:
  SwarmRegistry(RegistryBounds bounds, std::uint64_t hash_seed);

  // Applies one announce. The returned swarm pointer stays valid until the next non-const call.
  RegistryUpdate announce(const InfoHash& info_hash, const PeerAnnounce& announce,
                          net::TimePoint now);
  const Swarm* find(const InfoHash& info_hash) const;

  // Drops peers last seen before `cutoff`, and swarms empty since before it.
  void sweep(net::TimePoint cutoff);

  std::size_t swarm_count() const { return swarms_.size(); }
  std::size_t peer_count() const { return peer_count_; }
  const RegistryBounds& bounds() const { return bounds_; }

 private:
  RegistryBounds bounds_;
  std::uint64_t hash_seed_;
  boost::unordered_flat_map<InfoHash, Swarm, SeededHash, SameKey> swarms_;
  std::size_t peer_count_ = 0;  // over every swarm
};

}  // namespace swarmlab::tracker
