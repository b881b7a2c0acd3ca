#include "actors/peer/storage/layout.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace swarmlab::peer::storage {
namespace {

// 133 bytes in 64-byte pieces:
//   a 0..10 | dir/b 10..17 | dir/sub/c 17..30 | d (empty) | e 30..130 | f 130..133
StorageLayout odd_layout() {
  return make_multi_file_layout(
      "multi", 64,
      {{.path = {"a"}, .length_bytes = 10, .is_padding = false},
       {.path = {"dir", "b"}, .length_bytes = 7, .is_padding = false},
       {.path = {"dir", "sub", "c"}, .length_bytes = 13, .is_padding = false},
       {.path = {"d"}, .length_bytes = 0, .is_padding = false},
       {.path = {"e"}, .length_bytes = 100, .is_padding = false},
       {.path = {"f"}, .length_bytes = 3, .is_padding = false}});
}

std::vector<std::vector<std::uint64_t>> slices_of(const StorageLayout& layout, std::uint64_t offset,
                                                  std::uint64_t length) {
  std::vector<std::vector<std::uint64_t>> slices;
  for_each_slice(layout, offset, length, [&](const FileSlice& slice) {
    slices.push_back(
        {slice.file_index, slice.file_offset_bytes, slice.range_offset_bytes, slice.length_bytes});
  });
  return slices;
}

TEST(Layout, PieceCountAndSizes) {
  const StorageLayout layout = odd_layout();
  EXPECT_EQ(layout.total_size_bytes, 133u);
  EXPECT_EQ(layout.piece_count(), 3u);
  EXPECT_EQ(layout.piece_size_bytes(0), 64u);
  EXPECT_EQ(layout.piece_size_bytes(1), 64u);
  EXPECT_EQ(layout.piece_size_bytes(2), 5u);
  EXPECT_EQ(layout.piece_offset_bytes(2), 128u);
  EXPECT_EQ(layout.files[4].offset_bytes, 30u);
  EXPECT_EQ(layout.piece_hashes.size(), 3u);
}

TEST(Layout, FirstPieceSpansFourFilesAndSkipsTheEmptyOne) {
  // {file index, offset in file, offset in range, length}
  const std::vector<std::vector<std::uint64_t>> expected = {
      {0, 0, 0, 10}, {1, 0, 10, 7}, {2, 0, 17, 13}, {4, 0, 30, 34}};
  EXPECT_EQ(slices_of(odd_layout(), 0, 64), expected);
}

TEST(Layout, RangeInsideAndAcrossFiles) {
  const std::vector<std::vector<std::uint64_t>> inside = {{4, 5, 0, 20}};
  EXPECT_EQ(slices_of(odd_layout(), 35, 20), inside);
  const std::vector<std::vector<std::uint64_t>> tail = {{4, 98, 0, 2}, {5, 0, 2, 3}};
  EXPECT_EQ(slices_of(odd_layout(), 128, 5), tail);
  EXPECT_TRUE(slices_of(odd_layout(), 133, 0).empty());
}

TEST(Layout, FileAtSkipsEmptyFiles) {
  const StorageLayout layout = odd_layout();
  EXPECT_EQ(file_at(layout, 0), 0u);
  EXPECT_EQ(file_at(layout, 9), 0u);
  EXPECT_EQ(file_at(layout, 10), 1u);
  EXPECT_EQ(file_at(layout, 30), 4u);
  EXPECT_EQ(file_at(layout, 132), 5u);
}

TEST(Layout, BlockContainment) {
  const StorageLayout layout = odd_layout();
  EXPECT_TRUE(layout.contains({.piece = 0, .offset_bytes = 0, .length_bytes = 64}));
  EXPECT_TRUE(layout.contains({.piece = 2, .offset_bytes = 4, .length_bytes = 1}));
  EXPECT_FALSE(layout.contains({.piece = 2, .offset_bytes = 4, .length_bytes = 2}));
  EXPECT_FALSE(layout.contains({.piece = 3, .offset_bytes = 0, .length_bytes = 1}));
  EXPECT_FALSE(layout.contains({.piece = 0, .offset_bytes = 0, .length_bytes = 0}));
}

TEST(Layout, SingleFile) {
  const StorageLayout layout = make_single_file_layout("file.iso", 16384, 40000);
  EXPECT_FALSE(layout.multi_file);
  EXPECT_EQ(layout.piece_count(), 3u);
  EXPECT_EQ(layout.piece_size_bytes(2), 40000u - 32768u);
  EXPECT_FALSE(layout_problem(layout));
}

TEST(LayoutProblem, SoundLayoutHasNone) {
  EXPECT_EQ(layout_problem(odd_layout()), std::nullopt);
}

TEST(LayoutProblem, GapBetweenFiles) {
  StorageLayout layout = odd_layout();
  layout.files[2].offset_bytes += 1;
  EXPECT_TRUE(layout_problem(layout));
}

TEST(LayoutProblem, TotalDiffersFromFiles) {
  StorageLayout layout = odd_layout();
  layout.total_size_bytes += 1;
  EXPECT_TRUE(layout_problem(layout));
}

TEST(LayoutProblem, HashCountDiffersFromPieceCount) {
  StorageLayout layout = odd_layout();
  layout.piece_hashes.pop_back();
  EXPECT_TRUE(layout_problem(layout));
}

TEST(LayoutProblem, ParentDirectoryComponent) {
  StorageLayout layout = odd_layout();
  layout.files[1].path = {"..", "escape"};
  EXPECT_TRUE(layout_problem(layout));
}

TEST(LayoutProblem, SlashInComponent) {
  StorageLayout layout = odd_layout();
  layout.files[1].path = {"dir/b"};
  EXPECT_TRUE(layout_problem(layout));
}

TEST(LayoutProblem, UnsafeName) {
  StorageLayout layout = odd_layout();
  layout.name = "..";
  EXPECT_TRUE(layout_problem(layout));
}

TEST(LayoutProblem, ZeroPieceLength) {
  StorageLayout layout = odd_layout();
  layout.piece_length_bytes = 0;
  EXPECT_TRUE(layout_problem(layout));
}

TEST(LayoutProblem, SingleFileWithPath) {
  StorageLayout layout = make_single_file_layout("x", 64, 100);
  layout.files[0].path = {"y"};
  EXPECT_TRUE(layout_problem(layout));
}

TEST(LayoutProblem, MultiFileWithoutPath) {
  StorageLayout layout = odd_layout();
  layout.files[0].path.clear();
  EXPECT_TRUE(layout_problem(layout));
}

}  // namespace
}  // namespace swarmlab::peer::storage
