#include "actors/peer/availability_index.hpp"

#include "net/rng.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace swarmlab::peer {
namespace {

using namespace literals;

// The availability of each piece in ordered(priority), which must never decrease.
std::vector<int> ordered_availability(const AvailabilityIndex& index, Priority priority) {
  std::vector<int> result;
  for (PieceIndex piece : index.ordered(priority))
    result.push_back(index.availability(piece));
  return result;
}

TEST(AvailabilityIndex, OrdersFreshPiecesRarestFirst) {
  AvailabilityIndex index(4_pieces);
  for (PieceIndex piece{0}; piece.value() < 4; ++piece)
    index.insert(piece, Priority::normal);
  index.increment(0_piece);
  index.increment(0_piece);
  index.increment(2_piece);
  EXPECT_EQ(ordered_availability(index, Priority::normal), (std::vector<int>{0, 0, 1, 2}));
  EXPECT_EQ(index.ordered(Priority::normal).back(), 0_piece);
  const auto ties = index.tie_range(Priority::normal, 0);
  EXPECT_EQ(ties.first, 0u);
  EXPECT_EQ(ties.last, 2u);
  EXPECT_TRUE(index.is_consistent());
}

TEST(AvailabilityIndex, SeedsCountForEveryPieceAtOnce) {
  AvailabilityIndex index(3_pieces);
  index.increment(1_piece);
  index.add_seed();
  index.add_seed();
  EXPECT_EQ(index.availability(0_piece), 2);
  EXPECT_EQ(index.availability(1_piece), 3);
  index.remove_seed();
  EXPECT_EQ(index.availability(1_piece), 2);
}

TEST(AvailabilityIndex, ErasedAndUnwantedPiecesAreNotOrdered) {
  AvailabilityIndex index(3_pieces);
  index.insert(0_piece, Priority::normal);
  index.insert(1_piece, Priority::top);
  index.insert(2_piece, Priority::normal);
  index.erase(0_piece);
  EXPECT_EQ(index.ordered(Priority::normal).size(), 1u);
  EXPECT_EQ(index.ordered(Priority::top).size(), 1u);
  EXPECT_EQ(index.fresh_count(), 2_pieces);
  EXPECT_FALSE(index.is_fresh(0_piece));
  // Availability of a piece that is not fresh is still tracked.
  index.increment(0_piece);
  EXPECT_EQ(index.availability(0_piece), 1);
  index.insert(0_piece, Priority::normal);
  EXPECT_EQ(index.ordered(Priority::normal).back(), 0_piece);
  EXPECT_TRUE(index.is_consistent());
}

TEST(AvailabilityIndex, RandomOperationsKeepTheOrder) {
  AvailabilityIndex index(50_pieces);
  std::vector<int> expected(50, 0);
  net::Rng rng(9);
  for (int step = 0; step < 5000; ++step) {
    const PieceIndex piece(static_cast<PieceIndex::rep>(rng.below(50)));
    switch (rng.below(4)) {
      case 0:
        index.increment(piece);
        ++expected[piece.slot()];
        break;
      case 1:
        if (expected[piece.slot()] > 0) {
          index.decrement(piece);
          --expected[piece.slot()];
        }
        break;
      case 2:
        if (!index.is_fresh(piece)) index.insert(piece, priority_from_level(1 + rng.below(7)));
        break;
      default:
        if (index.is_fresh(piece)) index.erase(piece);
        break;
    }
    ASSERT_EQ(index.availability(piece), expected[piece.slot()]);
    ASSERT_TRUE(index.is_consistent()) << "step " << step;
  }
  for (int level = 1; level < priority_level_count; ++level) {
    const auto availability = ordered_availability(index, priority_from_level(level));
    EXPECT_TRUE(std::is_sorted(availability.begin(), availability.end()));
  }
}

}  // namespace
}  // namespace swarmlab::peer
