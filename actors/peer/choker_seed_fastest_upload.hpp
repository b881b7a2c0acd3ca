// A seed's choker that unchokes the peers it uploads to fastest (libtorrent's "fastest upload"
// seeding choker), plus the rotating optimistic slot so that new peers get a chance. It makes the
// best use of the seed's upload when peers' download capacities differ. Part of actors/peer.
#pragma once

#include "actors/peer/choker.hpp"
#include "actors/peer/optimistic_unchoke.hpp"

namespace swarmlab::peer {

class FastestUploadSeedChoker final : public Choker {
 public:
  explicit FastestUploadSeedChoker(const ChokerOptions& options);

  std::string_view name() const override { return "seed-fastest-upload"; }
  ChokeDecision decide(net::TimePoint now, std::span<const PeerStats> peers,
                       net::Rng& rng) override;

 private:
  ChokerOptions options_;
  OptimisticUnchoke optimistic_;
};

}  // namespace swarmlab::peer
