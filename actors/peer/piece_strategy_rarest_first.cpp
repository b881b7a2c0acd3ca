#include "actors/peer/piece_strategy_rarest_first.hpp"

#include <algorithm>
#include <cassert>

namespace swarmlab::peer {
namespace {

bool contains(std::span<const PieceIndex> pieces, PieceIndex piece) {
  return std::find(pieces.begin(), pieces.end(), piece) != pieces.end();
}

// Appends pieces of one availability bucket: the peer's suggestions first (BEP 6 says it can send
// them cheaply), then the rest from a random starting point, wrapping around.
void take_bucket(const FreshPieceQuery& query, Priority priority, AvailabilityIndex::Range range,
                 net::Rng& rng, std::size_t start, std::vector<PieceIndex>& out) {
  const std::span<const PieceIndex> order = query.index.ordered(priority);
  assert(range.size() > 0);
  assert(range.last <= order.size());
  const int availability = query.index.availability(order[range.first]);
  const std::size_t bucket_start = out.size();
  for (PieceIndex piece : query.suggested) {
    if (out.size() - start == query.pieces_max) return;
    // Hints come from the peer: ignore the ones that name no piece.
    if (piece.value() < 0 || piece.value() >= query.index.piece_count().value()) continue;
    if (query.index.is_fresh(piece) && query.index.fresh_priority(piece) == priority &&
        query.index.availability(piece) == availability && query.peer_pieces.test(piece) &&
        !contains(std::span(out).subspan(bucket_start), piece)) {
      out.push_back(piece);
    }
  }
  const std::size_t suggested_taken = out.size() - bucket_start;
  const std::size_t offset = rng.below(range.size());
  for (std::size_t step = 0; step < range.size(); ++step) {
    if (out.size() - start == query.pieces_max) return;
    const PieceIndex piece = order[range.first + (offset + step) % range.size()];
    if (!query.peer_pieces.test(piece)) continue;
    if (suggested_taken > 0 &&
        contains(std::span(out).subspan(bucket_start, suggested_taken), piece)) {
      continue;
    }
    out.push_back(piece);
  }
}

}  // namespace

RarestFirstStrategy::RarestFirstStrategy(PieceCount initial_random_pieces)
    : initial_random_pieces_(initial_random_pieces) {
  assert(initial_random_pieces.value() >= 0);
}

void RarestFirstStrategy::choose(const FreshPieceQuery& query, net::Rng& rng,
                                 std::vector<PieceIndex>& out) const {
  if (query.have_count < initial_random_pieces_) {
    choose_random_fresh(query, rng, out);
    return;
  }
  const std::size_t start = out.size();
  for (int index = priority_level_count - 1; index > 0; --index) {
    const Priority priority = priority_from_level(index);
    const std::span<const PieceIndex> order = query.index.ordered(priority);
    std::size_t position = 0;
    while (position < order.size() && out.size() - start < query.pieces_max) {
      const AvailabilityIndex::Range range = query.index.tie_range(priority, position);
      take_bucket(query, priority, range, rng, start, out);
      position = range.last;
    }
  }
  assert(out.size() - start <= query.pieces_max);
}

}  // namespace swarmlab::peer
