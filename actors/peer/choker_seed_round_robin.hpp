// A seed's choker that shares upload slots in turns (libtorrent's "round robin" seeding choker).
// Part of actors/peer; pure logic.
//
// A seed downloads nothing, so there is no reciprocation to reward; the aim is to spread pieces
// over as many peers as possible. An unchoked peer keeps its slot until its turn ends (it has been
// unchoked for seed_turn_duration or has received seed_turn_quota bytes); free slots go to the
// interested peers that have been choked the longest.
#pragma once

#include "actors/peer/choker.hpp"

namespace swarmlab::peer {

class RoundRobinSeedChoker final : public Choker {
 public:
  explicit RoundRobinSeedChoker(const ChokerOptions& options);

  std::string_view name() const override { return "seed-round-robin"; }
  ChokeDecision decide(net::TimePoint now, std::span<const PeerStats> peers,
                       net::Rng& rng) override;

 private:
  ChokerOptions options_;
};

}  // namespace swarmlab::peer
