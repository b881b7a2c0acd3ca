// A set of pieces (which pieces a peer has, which we want, ...) as a dynamic bitset, and its wire
// form from BEP 3's bitfield message. Part of actors/peer; pure values, no I/O.
//
// Wire layout: one bit per piece, the high bit of the first byte is piece 0, and the spare bits at
// the end of the last byte must be zero:
//
//   byte 0              byte 1              ...  byte ceil(n/8)-1
//   7 6 5 4 3 2 1 0     7 6 5 4 3 2 1 0          7 ...    0
//   p0 p1 ...     p7    p8 ...       p15         p(n-1) then spare zero bits
#pragma once

#include "actors/peer/types.hpp"
#include "protocol/error.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <system_error>
#include <vector>

namespace swarmlab::peer {

enum class BitfieldErrc {
  // The message does not hold exactly ceil(pieces / 8) bytes.
  wrong_length = 1,
  // A bit after the last piece is set.
  spare_bits_set,
};
const std::error_category& bitfield_category();
std::error_code make_error_code(BitfieldErrc errc);

class Bitfield {
 public:
  Bitfield() = default;
  // `size` pieces, all clear or all set.
  explicit Bitfield(PieceCount size, bool value = false);

  // Parses a bitfield message's payload for a torrent of `size` pieces.
  static protocol::ParseResult<Bitfield> from_wire(std::span<const std::uint8_t> bytes,
                                                   PieceCount size);
  std::vector<std::uint8_t> to_wire() const;
  static std::size_t wire_size_bytes(PieceCount size);

  PieceCount size() const { return size_; }
  // The number of set bits, kept up to date by every change.
  PieceCount count() const { return count_; }
  bool all() const { return count_ == size_; }
  bool none() const { return count_ == PieceCount(0); }

  bool test(PieceIndex piece) const;
  void set(PieceIndex piece);
  void reset(PieceIndex piece);
  void assign(PieceIndex piece, bool value);

  // The first set bit at or after `from`.
  std::optional<PieceIndex> find_next(PieceIndex from) const;
  // The first bit at or after `from` set in both this and `other` (of the same size).
  std::optional<PieceIndex> find_next_common(const Bitfield& other, PieceIndex from) const;
  // Whether a bit is set in both this and `other` (of the same size).
  bool intersects(const Bitfield& other) const;

  friend bool operator==(const Bitfield&, const Bitfield&) = default;

 private:
  using Word = std::uint64_t;
  static constexpr int word_bits = 64;

  static std::size_t word_count(PieceCount size);
  // Sets every bit after the last piece to zero, so that whole-word operations stay exact.
  void clear_spare_bits();

  // Bit i of word w is piece 64 * w + i. Bits after the last piece are always zero.
  std::vector<Word> words_;
  PieceCount size_{0};
  PieceCount count_{0};
};

}  // namespace swarmlab::peer

template <>
struct std::is_error_code_enum<swarmlab::peer::BitfieldErrc> : std::true_type {};
