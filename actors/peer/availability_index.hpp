// Piece availability (how many connected peers have each piece) and the order in which the picker
// considers "fresh" pieces. Part of actors/peer; pure logic, no I/O.
//
// Terms:
// - availability: the number of connected peers that have a piece. Peers that have every piece
//   (seeds, BEP 6 have all) are counted once in `seed_count` instead of in every piece, so that a
//   seed joining or leaving costs O(1); a piece's availability is its own count plus the seed
//   count.
// - fresh: a piece we want (priority above skip), do not have, and are not downloading. Only fresh
//   pieces are ordered; the picker's strategies choose among them.
//
// Fresh pieces of each priority level sit in one array sorted by availability (seeds excluded,
// which shifts every piece alike), cut into buckets of equal availability:
//
//   order:  [ p7 p2 p9 | p4 p1 | p3 p8 p5 p0 ]     begin[0] = 0, begin[1] = 3, begin[2] = 5
//             avail 0    avail 1   avail 2
//
// A change of availability by one moves a piece across one bucket boundary with one swap, so HAVE
// messages cost O(1). Inserting or removing a piece walks the buckets above it, O(availability
// max). Within a bucket the order is whatever the swaps left; strategies that need random
// tie-breaks draw from their Rng rather than relying on it.
#pragma once

#include "actors/peer/bitfield.hpp"
#include "actors/peer/types.hpp"

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace swarmlab::peer {

class AvailabilityIndex {
 public:
  // A half-open range of positions in one level's order.
  struct Range {
    std::size_t first = 0;
    std::size_t last = 0;
    std::size_t size() const { return last - first; }
  };

  explicit AvailabilityIndex(PieceCount piece_count);

  PieceCount piece_count() const { return pieces_.size(); }

  // Availability, seeds included.
  int availability(PieceIndex piece) const;
  int seed_count() const { return seed_count_; }
  void increment(PieceIndex piece);
  void decrement(PieceIndex piece);
  void add_seed();
  void remove_seed();

  // The fresh set.
  void insert(PieceIndex piece, Priority priority);
  void erase(PieceIndex piece);
  bool is_fresh(PieceIndex piece) const { return fresh_.test(piece); }
  // The priority the piece was inserted with; the piece must be fresh.
  Priority fresh_priority(PieceIndex piece) const;
  PieceCount fresh_count() const { return fresh_.count(); }
  const Bitfield& fresh_pieces() const { return fresh_; }

  // Fresh pieces of one priority, rarest first.
  std::span<const PieceIndex> ordered(Priority priority) const;
  // The positions in ordered(priority) of the pieces as available as the one at `position`.
  Range tie_range(Priority priority, std::size_t position) const;

  // Checks every invariant (for tests; O(pieces)).
  bool is_consistent() const;

 private:
  // Per piece: 8 bytes, so that a thousand pickers of a few hundred pieces stay small.
  struct PieceSlot {
    // Peers that have the piece, seeds excluded.
    std::uint16_t availability = 0;
    // The piece's level while fresh.
    std::uint8_t priority = 0;
    // The piece's position in its level's order while fresh.
    std::uint32_t position = 0;
  };
  static_assert(sizeof(PieceSlot) == 8);

  struct Level {
    std::vector<PieceIndex> order;
    // begin[a] is the first position of the bucket of availability a; bucket a ends where bucket
    // a + 1 begins, and the last bucket ends at order.size(). Grown on demand.
    std::vector<std::uint32_t> begin{0};
  };

  Level& level_of(PieceIndex piece);
  std::size_t bucket_end(const Level& level, std::size_t bucket) const;
  void ensure_bucket(Level& level, std::size_t bucket);
  void swap_positions(Level& level, std::size_t first, std::size_t second);

  TypedVector<PieceIndex, PieceSlot> pieces_;
  std::array<Level, priority_level_count> levels_;
  Bitfield fresh_;
  int seed_count_ = 0;
};

}  // namespace swarmlab::peer
