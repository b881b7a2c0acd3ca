#include "actors/peer/block_write_queue.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <utility>
#include <vector>

namespace swarmlab::peer {
namespace {

constexpr std::uint32_t block_bytes = 16 * 1024;
constexpr std::uint32_t piece_bytes = 4 * block_bytes;

// A block's bytes: every byte tells which piece and block it belongs to.
std::vector<std::uint8_t> block_bytes_of(std::uint32_t piece, std::uint32_t block) {
  return std::vector<std::uint8_t>(block_bytes, static_cast<std::uint8_t>(piece * 16 + block));
}

void push(BlockWriteQueue& queue, std::uint32_t piece, std::uint32_t block, PeerKey sender,
          bool completes_piece = false) {
  const auto bytes = block_bytes_of(piece, block);
  queue.push({.piece = piece, .offset_bytes = block * block_bytes, .length_bytes = block_bytes},
             bytes, sender, completes_piece, piece_bytes);
}

TEST(BlockWriteQueue, ConsecutiveBlocksOfOneSenderMakeOneRun) {
  BlockWriteQueue queue(piece_bytes);
  for (std::uint32_t block = 0; block < 4; ++block)
    push(queue, 7, block, PeerKey(1), block == 3);
  const std::vector<WriteRun> runs = queue.take_all();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].range.piece, 7u);
  EXPECT_EQ(runs[0].range.offset_bytes, 0u);
  EXPECT_EQ(runs[0].range.length_bytes, piece_bytes);
  EXPECT_TRUE(runs[0].completes_piece);
  EXPECT_EQ(runs[0].sender, PeerKey(1));
  ASSERT_EQ(runs[0].bytes.size(), piece_bytes);
  for (std::uint32_t block = 0; block < 4; ++block) {
    EXPECT_EQ(runs[0].bytes[block * block_bytes], 7 * 16 + block);
    EXPECT_EQ(runs[0].bytes[(block + 1) * block_bytes - 1], 7 * 16 + block);
  }
  EXPECT_TRUE(queue.empty());
  EXPECT_EQ(queue.held_bytes(), 0u);
}

TEST(BlockWriteQueue, GapsSendersPiecesAndTheRunLimitStartNewRuns) {
  BlockWriteQueue queue(2 * block_bytes);
  push(queue, 1, 0, PeerKey(1));
  push(queue, 1, 2, PeerKey(1));  // a gap
  push(queue, 1, 3, PeerKey(2));  // another sender
  push(queue, 2, 0, PeerKey(2));  // another piece
  push(queue, 2, 1, PeerKey(2));  // joins
  push(queue, 2, 2, PeerKey(2));  // the run is full
  const std::vector<WriteRun> runs = queue.take_all();
  ASSERT_EQ(runs.size(), 5u);
  const std::vector<std::uint32_t> lengths = {block_bytes, block_bytes, block_bytes,
                                              2 * block_bytes, block_bytes};
  for (std::size_t index = 0; index < runs.size(); ++index) {
    EXPECT_EQ(runs[index].range.length_bytes, lengths[index]) << index;
    EXPECT_EQ(runs[index].bytes.size(), lengths[index]) << index;
  }
  EXPECT_EQ(runs[1].range.offset_bytes, 2 * block_bytes);
  EXPECT_EQ(runs[2].sender, PeerKey(2));
  EXPECT_EQ(runs[4].range.offset_bytes, 2 * block_bytes);
}

TEST(BlockWriteQueue, RunsAreTakenInPieceAndOffsetOrder) {
  BlockWriteQueue queue(piece_bytes);
  push(queue, 4, 1, PeerKey(1));
  push(queue, 2, 3, PeerKey(2));
  push(queue, 4, 0, PeerKey(1), true);
  push(queue, 2, 0, PeerKey(2));
  const std::vector<WriteRun> runs = queue.take_all();
  ASSERT_EQ(runs.size(), 4u);
  const std::vector<std::pair<std::uint32_t, std::uint32_t>> expected = {
      {2, 0}, {2, 3 * block_bytes}, {4, 0}, {4, block_bytes}};
  for (std::size_t index = 0; index < runs.size(); ++index) {
    EXPECT_EQ(std::pair(runs[index].range.piece, runs[index].range.offset_bytes), expected[index])
        << index;
    EXPECT_EQ(runs[index].bytes.front(),
              runs[index].range.piece * 16 + runs[index].range.offset_bytes / block_bytes)
        << index;
  }
  EXPECT_TRUE(runs[2].completes_piece);
}

TEST(BlockWriteQueue, NothingJoinsARunThatCompletesItsPiece) {
  BlockWriteQueue queue(piece_bytes);
  push(queue, 3, 2, PeerKey(1), true);
  // A later download of the same piece (after a failed check) is a new run.
  push(queue, 3, 3, PeerKey(1));
  const std::vector<WriteRun> runs = queue.take_all();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_TRUE(runs[0].completes_piece);
  EXPECT_FALSE(runs[1].completes_piece);
}

TEST(BlockWriteQueue, HeldBytesCountWhatTheRunsReserve) {
  BlockWriteQueue queue(piece_bytes);
  push(queue, 0, 0, PeerKey(1));
  // The run reserves the rest of its piece, so the next blocks never reallocate.
  EXPECT_GE(queue.held_bytes(), piece_bytes);
  const std::size_t held = queue.held_bytes();
  push(queue, 0, 1, PeerKey(1));
  EXPECT_EQ(queue.held_bytes(), held);
  // The last block of a piece reserves no more than itself.
  push(queue, 5, 3, PeerKey(1));
  EXPECT_GE(queue.held_bytes(), held + block_bytes);
  EXPECT_LT(queue.held_bytes(), held + 2 * block_bytes);
}

}  // namespace
}  // namespace swarmlab::peer
