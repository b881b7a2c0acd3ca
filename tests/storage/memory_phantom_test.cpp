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

}  // namespace
}  // namespace swarmlab::peer::storage
