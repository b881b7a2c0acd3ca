// How a torrent's bytes divide into pieces and 16 KiB blocks, and how per-file priorities become
// per-piece priorities. Part of actors/peer; pure values, no I/O.
//
// Every piece has `piece_size` bytes except the last, which holds the remainder. Every block has
// limits::block_size_bytes except the last block of a piece, which holds the remainder of that
// piece.
#pragma once

#include "actors/peer/types.hpp"

#include <optional>
#include <span>
#include <vector>

namespace swarmlab::peer {

class PieceLayout {
 public:
  // Nullopt when the sizes are out of limits (no bytes, no piece size, too many or too large
  // pieces).
  static std::optional<PieceLayout> make(SizeBytes total_size, SizeBytes piece_size);

  SizeBytes total_size() const { return total_size_; }
  SizeBytes nominal_piece_size() const { return piece_size_; }
  PieceCount piece_count() const { return piece_count_; }
  SizeBytes piece_size(PieceIndex piece) const;
  BlockCount block_count(PieceIndex piece) const;
  // Blocks in a full-size piece (the most any piece has).
  BlockCount nominal_block_count() const { return nominal_block_count_; }
  BlockCount total_block_count() const;

  SizeBytes block_offset(BlockRef block) const;
  SizeBytes block_size(BlockRef block) const;
  // The block that starts at `offset` in `piece` with length `length`, if that is one of our blocks
  // (used to match a request or a piece message from the wire).
  std::optional<BlockRef> block_at(PieceIndex piece, SizeBytes offset, SizeBytes length) const;

  bool contains(PieceIndex piece) const {
    return piece.value() >= 0 && piece.value() < piece_count_.value();
  }
  bool contains(BlockRef block) const;

 private:
  PieceLayout(SizeBytes total_size, SizeBytes piece_size);

  SizeBytes total_size_;
  SizeBytes piece_size_;
  PieceCount piece_count_;
  BlockCount nominal_block_count_;
};

// The priority of each piece from the priorities of the files (in torrent order, with their sizes)
// that it overlaps: a piece gets the highest priority of the files it touches, so a piece touching
// any file that is not skipped is wanted. Empty files touch no piece. The sizes must sum to the
// layout's total size.
TypedVector<PieceIndex, Priority> piece_priorities_from_files(
    const PieceLayout& layout, std::span<const SizeBytes> file_sizes,
    std::span<const Priority> file_priorities);

}  // namespace swarmlab::peer
