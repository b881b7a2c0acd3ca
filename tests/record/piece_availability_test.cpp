#include "record/piece_availability.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace swarmlab::record {
namespace {

// Picture of the copies vector: one digit per piece.
std::string picture(const PieceAvailability& availability) {
  std::string out;
  for (const std::uint32_t copies : availability.copies())
    out += std::to_string(copies);
  return out;
}

// A bitfield from a picture: 'x' = held, anything else = not held.
std::vector<std::uint8_t> bitfield(const std::string& held) {
  std::vector<std::uint8_t> bytes((held.size() + 7) / 8, 0);
  for (std::size_t piece = 0; piece < held.size(); ++piece) {
    if (held[piece] == 'x') bytes[piece / 8] |= static_cast<std::uint8_t>(0x80u >> (piece % 8));
  }
  return bytes;
}

TEST(PieceAvailability, JoinsAddTheirBitfields) {
  PieceAvailability availability(10);
  availability.join(1, bitfield("xxxxxxxxxx"));
  availability.join(2, bitfield("x.x.x....."));
  availability.join(3, bitfield(".........x"));
  EXPECT_EQ(picture(availability), "2121211112");
  const auto summary = availability.summarize();
  EXPECT_EQ(summary.hosts_present, 3u);
  EXPECT_EQ(summary.copies_min, 1u);
  EXPECT_EQ(summary.copies_max, 2u);
  EXPECT_EQ(summary.rarest_piece, 1u);
  EXPECT_EQ(summary.pieces_at_min, 6u);
  EXPECT_DOUBLE_EQ(summary.copies_mean, 14.0 / 10.0);
}

TEST(PieceAvailability, VerifiedPiecesCountOnce) {
  PieceAvailability availability(4);
  availability.add_piece(7, 2);
  availability.add_piece(7, 2);
  availability.add_piece(7, 3);
  availability.add_piece(7, 4);  // Past the last piece: ignored.
  EXPECT_EQ(picture(availability), "0011");
  EXPECT_EQ(availability.summarize().hosts_present, 1u);
}

TEST(PieceAvailability, LeavingTakesTheCopiesAway) {
  PieceAvailability availability(4);
  availability.join(1, bitfield("xxxx"));
  availability.join(2, bitfield("xx.."));
  availability.add_piece(2, 3);
  availability.leave(1);
  EXPECT_EQ(picture(availability), "1101");
  availability.leave(1);  // Twice: nothing more to take.
  availability.leave(5);  // Never there.
  EXPECT_EQ(picture(availability), "1101");
  EXPECT_EQ(availability.summarize().hosts_present, 1u);
  EXPECT_EQ(availability.summarize().copies_min, 0u);
  EXPECT_EQ(availability.summarize().rarest_piece, 2u);
}

TEST(PieceAvailability, RejoinReplacesWhatTheHostHeld) {
  PieceAvailability availability(4);
  availability.join(1, bitfield("xxxx"));
  // A restart that lost pieces 2 and 3.
  availability.leave(1);
  availability.join(1, bitfield("xx"));
  EXPECT_EQ(picture(availability), "1100");
  // A join without a departure in between (a rejoin report) replaces too.
  availability.join(1, bitfield("..x."));
  EXPECT_EQ(picture(availability), "0010");
  EXPECT_EQ(availability.summarize().hosts_present, 1u);
}

TEST(PieceAvailability, SpareBitsAndShortBitfieldsAreHarmless) {
  PieceAvailability availability(3);
  // Spare bits past piece 2 are set; the bitfield for a longer torrent has a second byte.
  availability.join(1, std::vector<std::uint8_t>{0xff, 0xff});
  availability.join(2, std::vector<std::uint8_t>{});
  EXPECT_EQ(picture(availability), "111");
}

TEST(PieceAvailability, EncodesLittleEndian) {
  PieceAvailability availability(2);
  for (ActorId host = 0; host < 258; ++host)
    availability.add_piece(host, 1);
  std::vector<std::uint8_t> blob;
  availability.encode_copies(blob);
  EXPECT_EQ(blob, (std::vector<std::uint8_t>{0, 0, 0, 0, 2, 1, 0, 0}));
}

TEST(PieceAvailability, NoPiecesSummarizesToZero) {
  PieceAvailability availability(0);
  availability.join(1, {});
  const auto summary = availability.summarize();
  EXPECT_EQ(summary.hosts_present, 1u);
  EXPECT_FALSE(summary.rarest_piece.has_value());
  EXPECT_EQ(summary.pieces_at_min, 0u);
}

}  // namespace
}  // namespace swarmlab::record
