#include "actors/peer/bitfield.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace swarmlab::peer {
namespace {

using namespace literals;

TEST(Bitfield, StartsClearOrFull) {
  const Bitfield clear(70_pieces);
  EXPECT_TRUE(clear.none());
  EXPECT_FALSE(clear.all());
  EXPECT_EQ(clear.count(), 0_pieces);
  const Bitfield full(70_pieces, true);
  EXPECT_TRUE(full.all());
  EXPECT_EQ(full.count(), 70_pieces);
  EXPECT_TRUE(full.test(69_piece));
}

TEST(Bitfield, SetResetAndCount) {
  Bitfield field(10_pieces);
  field.set(3_piece);
  field.set(3_piece);
  field.set(9_piece);
  EXPECT_EQ(field.count(), 2_pieces);
  EXPECT_TRUE(field.test(3_piece));
  EXPECT_FALSE(field.test(4_piece));
  field.reset(3_piece);
  field.reset(3_piece);
  EXPECT_EQ(field.count(), 1_pieces);
  field.assign(0_piece, true);
  EXPECT_TRUE(field.test(0_piece));
}

TEST(Bitfield, WireRoundTripHighBitIsPieceZero) {
  Bitfield field(10_pieces);
  field.set(0_piece);
  field.set(7_piece);
  field.set(9_piece);
  const std::vector<std::uint8_t> expected{0b1000'0001, 0b0100'0000};
  EXPECT_EQ(field.to_wire(), expected);
  const auto parsed = Bitfield::from_wire(expected, 10_pieces);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed, field);
  EXPECT_EQ(parsed->count(), 3_pieces);
}

TEST(Bitfield, RejectsSpareBitsSet) {
  const std::array<std::uint8_t, 2> bytes{0xff, 0b0010'0000};
  const auto parsed = Bitfield::from_wire(bytes, 10_pieces);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code, BitfieldErrc::spare_bits_set);
  EXPECT_EQ(parsed.error().offset, 1u);
}

TEST(Bitfield, RejectsTooShort) {
  const std::array<std::uint8_t, 1> bytes{0xff};
  const auto parsed = Bitfield::from_wire(bytes, 10_pieces);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code, BitfieldErrc::wrong_length);
  EXPECT_EQ(parsed.error().offset, 1u);
}

TEST(Bitfield, RejectsTooLong) {
  const std::array<std::uint8_t, 3> bytes{0xff, 0xc0, 0x00};
  const auto parsed = Bitfield::from_wire(bytes, 10_pieces);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code, BitfieldErrc::wrong_length);
  EXPECT_EQ(parsed.error().offset, 2u);
}

TEST(Bitfield, ExactMultipleOfEightHasNoSpareBits) {
  const std::array<std::uint8_t, 1> bytes{0xff};
  const auto parsed = Bitfield::from_wire(bytes, 8_pieces);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->all());
}

TEST(Bitfield, FindNextAcrossWords) {
  Bitfield field(200_pieces);
  field.set(5_piece);
  field.set(130_piece);
  EXPECT_EQ(field.find_next(0_piece), 5_piece);
  EXPECT_EQ(field.find_next(6_piece), 130_piece);
  EXPECT_EQ(field.find_next(131_piece), std::nullopt);
  Bitfield other(200_pieces);
  other.set(130_piece);
  EXPECT_EQ(field.find_next_common(other, 0_piece), 130_piece);
  EXPECT_TRUE(field.intersects(other));
  other.reset(130_piece);
  EXPECT_FALSE(field.intersects(other));
}

}  // namespace
}  // namespace swarmlab::peer
