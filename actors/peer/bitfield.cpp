#include "actors/peer/bitfield.hpp"

#include "actors/peer/limits.hpp"

#include <bit>
#include <cassert>
#include <string>

namespace swarmlab::peer {
namespace {

class BitfieldCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "bitfield"; }
  std::string message(int value) const override {
    switch (static_cast<BitfieldErrc>(value)) {
      case BitfieldErrc::wrong_length:
        return "bitfield length does not match the piece count";
      case BitfieldErrc::spare_bits_set:
        return "bitfield has spare bits set";
    }
    return "unknown bitfield error";
  }
};

}  // namespace

const std::error_category& bitfield_category() {
  static const BitfieldCategory category;
  return category;
}

std::error_code make_error_code(BitfieldErrc errc) {
  return {static_cast<int>(errc), bitfield_category()};
}

std::size_t Bitfield::word_count(PieceCount size) {
  assert(size.value() >= 0);
  return (size.size() + word_bits - 1) / word_bits;
}

std::size_t Bitfield::wire_size_bytes(PieceCount size) {
  assert(size.value() >= 0);
  return (size.size() + 7) / 8;
}

Bitfield::Bitfield(PieceCount size, bool value)
    : words_(word_count(size), value ? ~Word{0} : Word{0}), size_(size) {
  assert(size.value() >= 0);
  assert(size.value() <= limits::piece_count_max);
  clear_spare_bits();
  count_ = value ? size : PieceCount(0);
}

void Bitfield::clear_spare_bits() {
  const auto used = size_.size() % word_bits;
  if (used != 0) {
    assert(!words_.empty());
    words_.back() &= (Word{1} << used) - 1;
  }
}

protocol::ParseResult<Bitfield> Bitfield::from_wire(std::span<const std::uint8_t> bytes,
                                                    PieceCount size) {
  assert(size.value() >= 0);
  const std::size_t expected = wire_size_bytes(size);
  if (bytes.size() != expected) {
    return protocol::ParseError{BitfieldErrc::wrong_length, std::min(bytes.size(), expected)};
  }
  const auto spare = expected * 8 - size.size();
  if (spare != 0 && (bytes.back() & ((1u << spare) - 1)) != 0) {
    return protocol::ParseError{BitfieldErrc::spare_bits_set, expected - 1};
  }
  Bitfield result(size);
  for (std::size_t i = 0; i < size.size(); ++i) {
    if ((bytes[i / 8] >> (7 - i % 8)) & 1) {
      result.set(PieceIndex(static_cast<PieceIndex::rep>(i)));
    }
  }
  assert(result.size_ == size);
  return result;
}

std::vector<std::uint8_t> Bitfield::to_wire() const {
  std::vector<std::uint8_t> bytes(wire_size_bytes(size_), 0);
  for (std::size_t i = 0; i < size_.size(); ++i) {
    if ((words_[i / word_bits] >> (i % word_bits)) & 1) {
      bytes[i / 8] = static_cast<std::uint8_t>(bytes[i / 8] | (0x80u >> (i % 8)));
    }
  }
  assert(bytes.size() == wire_size_bytes(size_));
  return bytes;
}

bool Bitfield::test(PieceIndex piece) const {
  assert(piece.value() >= 0);
  assert(piece.value() < size_.value());
  return (words_[piece.slot() / word_bits] >> (piece.slot() % word_bits)) & 1;
}

void Bitfield::set(PieceIndex piece) {
  if (test(piece)) return;
  words_[piece.slot() / word_bits] |= Word{1} << (piece.slot() % word_bits);
  ++count_;
  assert(count_ <= size_);
}

void Bitfield::reset(PieceIndex piece) {
  if (!test(piece)) return;
  words_[piece.slot() / word_bits] &= ~(Word{1} << (piece.slot() % word_bits));
  --count_;
  assert(count_.value() >= 0);
}

void Bitfield::assign(PieceIndex piece, bool value) {
  if (value) {
    set(piece);
  } else {
    reset(piece);
  }
}

std::optional<PieceIndex> Bitfield::find_next(PieceIndex from) const {
  assert(from.value() >= 0);
  if (from.value() >= size_.value()) return std::nullopt;
  std::size_t word = from.slot() / word_bits;
  Word bits = words_[word] & (~Word{0} << (from.slot() % word_bits));
  while (true) {
    if (bits != 0) {
      const auto found = word * word_bits + static_cast<std::size_t>(std::countr_zero(bits));
      assert(found < size_.size());
      return PieceIndex(static_cast<PieceIndex::rep>(found));
    }
    if (++word == words_.size()) return std::nullopt;
    bits = words_[word];
  }
}

std::optional<PieceIndex> Bitfield::find_next_common(const Bitfield& other, PieceIndex from) const {
  assert(other.size_ == size_);
  assert(from.value() >= 0);
  if (from.value() >= size_.value()) return std::nullopt;
  std::size_t word = from.slot() / word_bits;
  Word bits = words_[word] & other.words_[word] & (~Word{0} << (from.slot() % word_bits));
  while (true) {
    if (bits != 0) {
      const auto found = word * word_bits + static_cast<std::size_t>(std::countr_zero(bits));
      assert(found < size_.size());
      return PieceIndex(static_cast<PieceIndex::rep>(found));
    }
    if (++word == words_.size()) return std::nullopt;
    bits = words_[word] & other.words_[word];
  }
}

bool Bitfield::intersects(const Bitfield& other) const {
  assert(other.size_ == size_);
  assert(other.words_.size() == words_.size());
  for (std::size_t i = 0; i < words_.size(); ++i) {
    if ((words_[i] & other.words_[i]) != 0) return true;
  }
  return false;
}

}  // namespace swarmlab::peer
