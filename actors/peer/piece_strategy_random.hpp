// Random piece selection: a research baseline against rarest first. Every fresh piece the peer has
// at the highest wanted priority is equally likely. Part of actors/peer; pure logic, no I/O.
#pragma once

#include "actors/peer/piece_strategy.hpp"

namespace swarmlab::peer {

class RandomStrategy final : public PieceStrategy {
 public:
  std::string_view name() const override { return "random"; }
  void choose(const FreshPieceQuery& query, net::Rng& rng,
              std::vector<PieceIndex>& out) const override;
};

}  // namespace swarmlab::peer
