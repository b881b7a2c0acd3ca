#include "actors/peer/piece_strategy_sequential.hpp"

#include <cassert>

namespace swarmlab::peer {

void SequentialStrategy::choose(const FreshPieceQuery& query, net::Rng&,
                                std::vector<PieceIndex>& out) const {
  const std::size_t start = out.size();
  const Bitfield& fresh = query.index.fresh_pieces();
  for (int index = priority_level_count - 1; index > 0; --index) {
    const Priority priority = priority_from_level(index);
    if (query.index.ordered(priority).empty()) continue;
    // Walks the pieces that are both fresh and the peer's, a machine word at a time.
    std::optional<PieceIndex> piece = fresh.find_next_common(query.peer_pieces, PieceIndex(0));
    while (piece && out.size() - start < query.pieces_max) {
      if (query.index.fresh_priority(*piece) == priority) out.push_back(*piece);
      piece = fresh.find_next_common(query.peer_pieces, *piece + PieceCount(1));
    }
  }
  assert(out.size() - start <= query.pieces_max);
}

}  // namespace swarmlab::peer
