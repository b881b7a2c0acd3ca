// Sequential piece selection (streaming): the fresh piece with the lowest index that the peer has,
// within the highest wanted priority. It ignores availability and suggestions, so it spreads rare
// pieces poorly; use it for playback or as a research baseline. Part of actors/peer; pure logic.
#pragma once

#include "actors/peer/piece_strategy.hpp"

namespace swarmlab::peer {

class SequentialStrategy final : public PieceStrategy {
 public:
  std::string_view name() const override { return "sequential"; }
  void choose(const FreshPieceQuery& query, net::Rng& rng,
              std::vector<PieceIndex>& out) const override;
};

}  // namespace swarmlab::peer
