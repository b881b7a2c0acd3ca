// Rarest first (the standard BitTorrent piece selection, BEP 3 and Cohen 2003): start the fresh
// piece that the fewest connected peers have, so that rare pieces spread before their holders
// leave. Part of actors/peer; pure logic, no I/O.
//
// Ties (pieces equally rare) are broken at random from the caller's Rng, after preferring pieces
// the peer suggested (BEP 6). Until we have `initial_random_pieces` pieces, pieces are chosen
// purely at random instead: a new peer needs a complete piece to trade soon, and the rarest pieces
// are the slowest to get because few peers can send them.
#pragma once

#include "actors/peer/piece_strategy.hpp"

namespace swarmlab::peer {

class RarestFirstStrategy final : public PieceStrategy {
 public:
  explicit RarestFirstStrategy(PieceCount initial_random_pieces);

  std::string_view name() const override { return "rarest-first"; }
  void choose(const FreshPieceQuery& query, net::Rng& rng,
              std::vector<PieceIndex>& out) const override;

 private:
  PieceCount initial_random_pieces_;
};

}  // namespace swarmlab::peer
