#include "actors/peer/piece_layout.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace swarmlab::peer {
namespace {

using namespace literals;

TEST(PieceLayout, CountsPiecesAndBlocksWithShortTail) {
  const auto layout = PieceLayout::make(100_KiB, 32_KiB);
  ASSERT_TRUE(layout);
  EXPECT_EQ(layout->piece_count(), 4_pieces);
  EXPECT_EQ(layout->piece_size(3_piece), 4_KiB);
  EXPECT_EQ(layout->block_count(0_piece), 2_blocks);
  EXPECT_EQ(layout->block_count(3_piece), 1_blocks);
  EXPECT_EQ(layout->total_block_count(), 7_blocks);
  EXPECT_EQ(layout->block_offset({1_piece, 1_block}), 16_KiB);
  EXPECT_EQ(layout->block_size({3_piece, 0_block}), 4_KiB);
}

TEST(PieceLayout, PieceSizeNotAMultipleOfTheBlock) {
  const auto layout = PieceLayout::make(60_KiB, 20_KiB);
  ASSERT_TRUE(layout);
  EXPECT_EQ(layout->block_count(0_piece), 2_blocks);
  EXPECT_EQ(layout->block_size({0_piece, 1_block}), 4_KiB);
}

TEST(PieceLayout, BlockAtMatchesOnlyOurBlocks) {
  const auto layout = PieceLayout::make(100_KiB, 32_KiB);
  ASSERT_TRUE(layout);
  EXPECT_EQ(layout->block_at(1_piece, 16_KiB, 16_KiB), (BlockRef{1_piece, 1_block}));
  EXPECT_EQ(layout->block_at(3_piece, 0_bytes, 4_KiB), (BlockRef{3_piece, 0_block}));
  EXPECT_EQ(layout->block_at(1_piece, 8_KiB, 16_KiB), std::nullopt);
  EXPECT_EQ(layout->block_at(1_piece, 16_KiB, 8_KiB), std::nullopt);
  EXPECT_EQ(layout->block_at(4_piece, 0_bytes, 16_KiB), std::nullopt);
  EXPECT_EQ(layout->block_at(3_piece, 16_KiB, 16_KiB), std::nullopt);
}

TEST(PieceLayout, RejectsOutOfLimits) {
  EXPECT_FALSE(PieceLayout::make(0_bytes, 16_KiB));
  EXPECT_FALSE(PieceLayout::make(16_KiB, 0_bytes));
  EXPECT_FALSE(PieceLayout::make(1024_MiB, 128_MiB));
  EXPECT_FALSE(PieceLayout::make(SizeBytes(std::int64_t{1} << 40), 16_KiB));
}

TEST(PieceLayout, FilePrioritiesMapToPieces) {
  // Pieces of 10 KiB; files of 15, 0, 5, 20 KiB: piece 0 = file a, piece 1 = a and c, pieces 2-3 =
  // d.
  const auto layout = PieceLayout::make(40_KiB, 10_KiB);
  ASSERT_TRUE(layout);
  const std::vector<SizeBytes> sizes{15_KiB, 0_bytes, 5_KiB, 20_KiB};
  const std::vector<Priority> skip_a{Priority::skip, Priority::top, Priority::normal,
                                     Priority::skip};
  const auto pieces = piece_priorities_from_files(*layout, sizes, skip_a);
  EXPECT_EQ(pieces[0_piece], Priority::skip);
  EXPECT_EQ(pieces[1_piece], Priority::normal) << "touches file c, which is wanted";
  EXPECT_EQ(pieces[2_piece], Priority::skip);
  EXPECT_EQ(pieces[3_piece], Priority::skip) << "the empty file touches nothing";
  const std::vector<Priority> low_a{Priority::low, Priority::skip, Priority::skip, Priority::top};
  const auto mixed = piece_priorities_from_files(*layout, sizes, low_a);
  EXPECT_EQ(mixed[1_piece], Priority::low);
  EXPECT_EQ(mixed[3_piece], Priority::top);
}

}  // namespace
}  // namespace swarmlab::peer
