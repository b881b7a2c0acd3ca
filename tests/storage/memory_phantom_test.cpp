#include "actors/peer/storage/memory_storage.hpp"
#include "actors/peer/storage/phantom_storage.hpp"

#include "tests/storage/test_support.hpp"

#include <gtest/gtest.h>

namespace swarmlab::peer::storage {
namespace {

using testing::expected_content;
using testing::with_hashes;

const Payload payload = Payload::from_seed(7, 0);

StorageLayout padded_layout() {
  return make_multi_file_layout("m", 32,
                                {{.path = {"a"}, .length_bytes = 50, .is_padding = false},
                                 {.path = {".pad", "14"}, .length_bytes = 14, .is_padding = true},
                                 {.path = {"b"}, .length_bytes = 41, .is_padding = false}});
}

TEST(MemoryStorage, SeededFromThePayloadVerifiesEveryPiece) {
  const auto layout = with_hashes(padded_layout(), payload);
  MemoryStorage storage(layout);
  EXPECT_TRUE(storage.holds_payload());
  EXPECT_EQ(storage.verify_piece(0).value(), false);
  ASSERT_TRUE(write_content(storage, payload));
  for (PieceIndex piece = 0; piece < layout->piece_count(); ++piece) {
    EXPECT_EQ(storage.check_piece(piece).value(), true) << piece;
  }
  const auto content = storage.content();
  EXPECT_EQ(std::vector<std::uint8_t>(content.begin(), content.end()),
            expected_content(*layout, payload, 0, layout->total_size_bytes));
}

TEST(MemoryStorage, BlocksRoundTripAndPaddingStaysZero) {
  const auto layout = with_hashes(padded_layout(), payload);
  MemoryStorage storage(layout);
  std::vector<std::uint8_t> ones(32, 0x01);
  ASSERT_TRUE(
      storage.write({.piece = 1, .offset_bytes = 0, .length_bytes = 32}, ones, Taint::clean));
  std::vector<std::uint8_t> out(32);
  ASSERT_TRUE(storage.read({.piece = 1, .offset_bytes = 0, .length_bytes = 32}, out));
  // Bytes 32..50 are file a, 50..64 padding: what was sent for the padding was dropped.
  std::vector<std::uint8_t> expected(32, 0x01);
  std::fill(expected.begin() + 18, expected.end(), 0);
  EXPECT_EQ(out, expected);
}

TEST(MemoryStorage, WrongByteFailsVerification) {
  const auto layout = with_hashes(padded_layout(), payload);
  MemoryStorage storage(layout);
  ASSERT_TRUE(write_content(storage, payload));
  std::vector<std::uint8_t> byte = expected_content(*layout, payload, 70, 1);
  byte[0] ^= 0x80;
  ASSERT_TRUE(
      storage.write({.piece = 2, .offset_bytes = 6, .length_bytes = 1}, byte, Taint::clean));
  EXPECT_EQ(storage.verify_piece(1).value(), true);
  EXPECT_EQ(storage.verify_piece(2).value(), false);
}

TEST(PhantomStorage, HoldsNoBytesAndReadsZeros) {
  const auto layout = with_hashes(padded_layout(), payload);
  PhantomStorage storage(layout, PhantomStart::complete);
  EXPECT_FALSE(storage.holds_payload());
  std::vector<std::uint8_t> out(16, 0xff);
  ASSERT_TRUE(storage.read({.piece = 0, .offset_bytes = 0, .length_bytes = 16}, out));
  EXPECT_EQ(out, std::vector<std::uint8_t>(16, 0));
  // A size-only read and a size-only write are fine too.
  EXPECT_TRUE(storage.read({.piece = 0, .offset_bytes = 0, .length_bytes = 16}, {}));
  EXPECT_TRUE(storage.write({.piece = 0, .offset_bytes = 0, .length_bytes = 16}, {}, Taint::clean));
}

TEST(PhantomStorage, CompleteStartHasEveryPieceEmptyStartNone) {
  const auto layout = with_hashes(padded_layout(), payload);
  PhantomStorage complete(layout, PhantomStart::complete);
  PhantomStorage empty(layout, PhantomStart::empty);
  for (PieceIndex piece = 0; piece < layout->piece_count(); ++piece) {
    EXPECT_EQ(complete.check_piece(piece).value(), true);
    EXPECT_EQ(empty.check_piece(piece).value(), false);
  }
}

TEST(PhantomStorage, CleanPieceVerifiesAndIsThenStored) {
  const auto layout = with_hashes(padded_layout(), payload);
  PhantomStorage storage(layout, PhantomStart::empty);
  ASSERT_TRUE(storage.write({.piece = 1, .offset_bytes = 0, .length_bytes = 32}, {}, Taint::clean));
  EXPECT_EQ(storage.hash_piece(1).value(), layout->piece_hashes[1]);
  EXPECT_EQ(storage.verify_piece(1).value(), true);
  EXPECT_EQ(storage.check_piece(1).value(), true);
  EXPECT_EQ(storage.check_piece(0).value(), false);
}

TEST(PhantomStorage, CorruptSenderTaintsUntilDiscarded) {
  const auto layout = with_hashes(padded_layout(), payload);
  PhantomStorage storage(layout, PhantomStart::empty);
  ASSERT_TRUE(storage.write({.piece = 2, .offset_bytes = 0, .length_bytes = 16}, {}, Taint::clean));
  ASSERT_TRUE(storage.write({.piece = 2, .offset_bytes = 16, .length_bytes = 16}, {},
                            Taint::corrupt_sender));
  EXPECT_TRUE(storage.is_tainted(2));
  EXPECT_FALSE(storage.is_tainted(1));
  EXPECT_NE(storage.hash_piece(2).value(), layout->piece_hashes[2]);
  EXPECT_EQ(storage.verify_piece(2).value(), false);
  EXPECT_EQ(storage.check_piece(2).value(), false);
  // The peer discards the piece and downloads it again from honest peers.
  storage.discard_piece(2);
  EXPECT_FALSE(storage.is_tainted(2));
  ASSERT_TRUE(storage.write({.piece = 2, .offset_bytes = 0, .length_bytes = 32}, {}, Taint::clean));
  EXPECT_EQ(storage.verify_piece(2).value(), true);
}

// Block digests judge the senders of a failed piece block by block: a changed byte changes the
// digest of its block only; the last block of a piece may be shorter.
TEST(MemoryStorage, BlockDigestsAreTheSha1OfEachBlock) {
  const auto layout = with_hashes(padded_layout(), payload);
  MemoryStorage storage(layout);
  ASSERT_TRUE(write_content(storage, payload));
  // Piece 1 (32 bytes) in blocks of 12: 12, 12 and 8 bytes.
  const auto good = storage.block_digests(1, 12).value();
  ASSERT_EQ(good.size(), 3u);
  std::vector<std::uint8_t> bytes(8);
  ASSERT_TRUE(storage.read({.piece = 1, .offset_bytes = 24, .length_bytes = 8}, bytes));
  EXPECT_EQ(good[2], protocol::sha1(bytes));
  // Byte 13 of the piece belongs to the second block.
  std::vector<std::uint8_t> byte = expected_content(*layout, payload, 32 + 13, 1);
  byte[0] ^= 0x01;
  ASSERT_TRUE(
      storage.write({.piece = 1, .offset_bytes = 13, .length_bytes = 1}, byte, Taint::clean));
  const auto spoiled = storage.block_digests(1, 12).value();
  ASSERT_EQ(spoiled.size(), 3u);
  EXPECT_EQ(spoiled[0], good[0]);
  EXPECT_NE(spoiled[1], good[1]);
  EXPECT_EQ(spoiled[2], good[2]);
}

TEST(PhantomStorage, BlockDigestsTellTheCorruptBlocks) {
  const auto layout = with_hashes(padded_layout(), payload);
  PhantomStorage storage(layout, PhantomStart::empty);
  ASSERT_TRUE(storage.write({.piece = 2, .offset_bytes = 0, .length_bytes = 16}, {}, Taint::clean));
  ASSERT_TRUE(storage.write({.piece = 2, .offset_bytes = 16, .length_bytes = 16}, {},
                            Taint::corrupt_sender));
  const auto digests = storage.block_digests(2, 16).value();
  ASSERT_EQ(digests.size(), 2u);
  EXPECT_NE(digests[0], digests[1]);
  // After the discard, a clean copy has the clean block's digest everywhere.
  storage.discard_piece(2);
  ASSERT_TRUE(storage.write({.piece = 2, .offset_bytes = 0, .length_bytes = 32}, {}, Taint::clean));
  const auto clean = storage.block_digests(2, 16).value();
  EXPECT_EQ(clean, (std::vector<Sha1Digest>{digests[0], digests[0]}));
}

}  // namespace
}  // namespace swarmlab::peer::storage
