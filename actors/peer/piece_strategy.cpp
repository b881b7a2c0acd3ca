#include "actors/peer/piece_strategy.hpp"

#include "actors/peer/piece_strategy_random.hpp"
#include "actors/peer/piece_strategy_rarest_first.hpp"
#include "actors/peer/piece_strategy_sequential.hpp"

#include <cassert>
#include <utility>

namespace swarmlab::peer {

void choose_random_fresh(const FreshPieceQuery& query, net::Rng& rng,
                         std::vector<PieceIndex>& out) {
  const std::size_t start = out.size();
  std::vector<PieceIndex> candidates;
  for (int index = priority_level_count - 1; index > 0; --index) {
    if (out.size() - start == query.pieces_max) break;
    candidates.clear();
    for (PieceIndex piece : query.index.ordered(priority_from_level(index))) {
      if (query.peer_pieces.test(piece)) candidates.push_back(piece);
    }
    // A partial Fisher-Yates shuffle: each step moves a uniformly drawn remaining candidate
    // forward.
    for (std::size_t taken = 0; taken < candidates.size(); ++taken) {
      if (out.size() - start == query.pieces_max) break;
      const std::size_t drawn = taken + rng.below(candidates.size() - taken);
      std::swap(candidates[taken], candidates[drawn]);
      out.push_back(candidates[taken]);
    }
  }
  assert(out.size() - start <= query.pieces_max);
}

std::unique_ptr<PieceStrategy> make_piece_strategy(PieceStrategyKind kind,
                                                   PieceCount initial_random_pieces) {
  assert(initial_random_pieces.value() >= 0);
  switch (kind) {
    case PieceStrategyKind::rarest_first:
      return std::make_unique<RarestFirstStrategy>(initial_random_pieces);
    case PieceStrategyKind::random:
      return std::make_unique<RandomStrategy>();
    case PieceStrategyKind::sequential:
      return std::make_unique<SequentialStrategy>();
  }
  assert(false && "unknown piece strategy");
  return nullptr;
}

}  // namespace swarmlab::peer
