// Picture fixtures for the piece picker tests: a whole picker state in a few strings with one
// character per piece, so that each test shows its setup on one line.
//
//   availability  "3120"  peers that have each piece ('0' to '9')
//   have          " x  "  'x': we have (verified) the piece
//   priority      "4404"  the piece's priority level ('0' = skip to '7' = top); default normal
//   partial       "  2 "  digit k: the first k blocks of the piece were received (from setup_peer)
#pragma once

#include "actors/peer/bitfield.hpp"
#include "actors/peer/piece_picker.hpp"
#include "actors/peer/piece_strategy.hpp"
#include "actors/peer/types.hpp"

#include <gtest/gtest.h>

#include <cassert>
#include <string_view>
#include <vector>

namespace swarmlab::peer::testing {

using namespace literals;

// The peer that "sent" the blocks of partial pieces in a picture.
inline constexpr PeerKey setup_peer{900};

struct PickerPicture {
  std::string_view availability;
  std::string_view have = "";
  std::string_view priority = "";
  std::string_view partial = "";
  int blocks_per_piece = 4;
  PieceStrategyKind strategy = PieceStrategyKind::rarest_first;
  PieceCount initial_random_pieces{0};
  PickerOptions options = {};
};

inline PieceLayout layout_for(PieceCount pieces, int blocks_per_piece) {
  const SizeBytes piece_size = 16_KiB * blocks_per_piece;
  const auto layout = PieceLayout::make(piece_size * pieces.value(), piece_size);
  assert(layout.has_value());
  return *layout;
}

inline bool picture_marks(std::string_view picture, std::size_t slot) {
  return slot < picture.size() && picture[slot] != ' ' && picture[slot] != '.';
}

inline int picture_digit(std::string_view picture, std::size_t slot, int fallback) {
  if (slot >= picture.size() || picture[slot] == ' ' || picture[slot] == '.') return fallback;
  assert(picture[slot] >= '0' && picture[slot] <= '9');
  return picture[slot] - '0';
}

inline PiecePicker make_picker(const PickerPicture& picture) {
  const PieceCount pieces(static_cast<PieceCount::rep>(picture.availability.size()));
  PiecePicker picker(layout_for(pieces, picture.blocks_per_piece),
                     make_piece_strategy(picture.strategy, picture.initial_random_pieces),
                     picture.options);
  for (PieceIndex piece{0}; piece.value() < pieces.value(); ++piece) {
    const std::size_t slot = piece.slot();
    for (int copy = 0; copy < picture_digit(picture.availability, slot, 0); ++copy) {
      picker.add_peer_piece(piece);
    }
    picker.set_priority(piece, priority_from_level(picture_digit(picture.priority, slot, 4)));
    if (picture_marks(picture.have, slot)) picker.set_have(piece);
    for (int block = 0; block < picture_digit(picture.partial, slot, 0); ++block) {
      const auto arrival = picker.on_block({piece, BlockIndex(block)}, setup_peer);
      assert(arrival.outcome == BlockArrival::Outcome::accepted);
      (void)arrival;
    }
  }
  return picker;
}

// A set of pieces from a picture: 'x' (or any mark) sets the piece.
inline Bitfield bits(std::string_view picture) {
  Bitfield field(PieceCount(static_cast<PieceCount::rep>(picture.size())));
  for (std::size_t slot = 0; slot < picture.size(); ++slot) {
    if (picture_marks(picture, slot)) field.set(PieceIndex(static_cast<PieceIndex::rep>(slot)));
  }
  return field;
}

inline Bitfield all_pieces(const PiecePicker& picker) {
  return Bitfield(picker.layout().piece_count(), true);
}

// The pieces of picked blocks in order, consecutive repeats collapsed.
inline std::vector<int> pieces_of(const std::vector<BlockRef>& blocks) {
  std::vector<int> pieces;
  for (const BlockRef& block : blocks) {
    if (pieces.empty() || pieces.back() != block.piece.value()) {
      pieces.push_back(block.piece.value());
    }
  }
  return pieces;
}

}  // namespace swarmlab::peer::testing
