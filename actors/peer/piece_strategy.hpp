// The pluggable part of piece picking: which fresh piece to start next. Part of actors/peer; pure
// logic, no I/O.
//
// The picker owns everything that is the same for every strategy (finishing partial pieces first,
// block bookkeeping, endgame, BEP 6 allowed-fast pieces while choked). A strategy only orders the
// fresh pieces (wanted, not had, not being downloaded; see availability_index.hpp) that one peer
// has. Research strategies are classes implementing this interface, never branches in the picker.
#pragma once

#include "actors/peer/availability_index.hpp"
#include "actors/peer/bitfield.hpp"
#include "actors/peer/types.hpp"
#include "net/rng.hpp"

#include <cstddef>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace swarmlab::peer {

struct FreshPieceQuery {
  const AvailabilityIndex& index;
  // What the peer we are picking for has.
  const Bitfield& peer_pieces;
  // BEP 6 suggest piece hints from this peer, for strategies that use them as tie-breaks.
  std::span<const PieceIndex> suggested;
  // Pieces we have (verified).
  PieceCount have_count;
  // How many pieces to return at most.
  std::size_t pieces_max = 0;
};

class PieceStrategy {
 public:
  virtual ~PieceStrategy() = default;

  virtual std::string_view name() const = 0;
  // Appends to `out` up to query.pieces_max distinct fresh pieces that the peer has, best first;
  // pieces of a higher priority always come before pieces of a lower one.
  virtual void choose(const FreshPieceQuery& query, net::Rng& rng,
                      std::vector<PieceIndex>& out) const = 0;
};

// Random choice among the fresh pieces the peer has at the highest priority available, each equally
// likely. Shared by the random strategy and the initial phase of rarest first. O(fresh pieces).
void choose_random_fresh(const FreshPieceQuery& query, net::Rng& rng, std::vector<PieceIndex>& out);

// The strategies that ship with the peer; `initial_random_pieces` applies to rarest first only.
enum class PieceStrategyKind { rarest_first, random, sequential };
std::unique_ptr<PieceStrategy> make_piece_strategy(PieceStrategyKind kind,
                                                   PieceCount initial_random_pieces);

}  // namespace swarmlab::peer
